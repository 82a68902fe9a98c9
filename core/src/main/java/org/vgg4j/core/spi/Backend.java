package org.vgg4j.core.spi;

import java.util.List;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.param.Parameters;

/**
 * A native engine able to run any {@link Network}: opens sessions that hold the network's weights on a device.
 */
public interface Backend {

    /** Same as its provider's name. */
    String name();

    /** What this backend can do. */
    Capabilities capabilities();

    /** The concrete devices this backend can use here: always {@code cpu}, plus {@code gpu:N} for each GPU found. */
    List<Device> devices();

    /**
     * Compiles {@code network} for the engine and loads {@code parameters} (checked against the network first).
     *
     * @throws org.vgg4j.core.param.ParameterMismatchException if a tensor is missing, extra or misshaped
     * @throws org.vgg4j.core.DeviceUnavailableException       if {@code device} is a GPU this backend cannot use
     */
    Session open(Network network, Parameters parameters, Device device);
}
