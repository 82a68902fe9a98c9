package org.vgg4j.core.spi;

import java.util.List;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.param.Parameters;

/**
 * A native engine able to run any {@link Network}: opens sessions that hold the network's weights on a device.
 */
public interface Backend {

    /**
     * Same as its provider's name.
     *
     * @return the lower-case backend name
     */
    String name();

    /**
     * What this backend can do.
     *
     * @return its capabilities, fixed for the backend's lifetime
     */
    Capabilities capabilities();

    /**
     * The concrete devices this backend can use here: always {@code cpu}, plus {@code gpu:N} for each GPU found.
     *
     * @return the devices, never empty ({@code cpu} is always among them)
     */
    List<Device> devices();

    /**
     * Compiles {@code network} for the engine and loads {@code parameters} (checked against the network first).
     *
     * @param network    the network to compile
     * @param parameters its weights and buffers, named like PyTorch's {@code state_dict}
     * @param device     a concrete device from {@link #devices()}, or {@code auto}
     * @return an open session, which the caller must close
     * @throws org.vgg4j.core.param.ParameterMismatchException if a tensor is missing, extra or misshaped
     * @throws org.vgg4j.core.DeviceUnavailableException       if {@code device} is a GPU this backend cannot use
     */
    Session open(Network network, Parameters parameters, Device device);
}
