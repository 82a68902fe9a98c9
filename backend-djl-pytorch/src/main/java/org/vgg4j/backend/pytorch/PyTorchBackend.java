package org.vgg4j.backend.pytorch;

import java.util.List;
import java.util.Objects;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.core.spi.Capabilities;
import org.vgg4j.core.spi.Session;

/**
 * The {@code pytorch} backend: opens sessions that run any core network on libtorch (DJL's PyTorch engine), on the CPU
 * or a CUDA GPU, with training.
 */
final class PyTorchBackend implements Backend {
    private final EngineStatus status;
    private final DeviceResolver devices;

    PyTorchBackend(EngineStatus status) {
        this.status = status;
        this.devices = new DeviceResolver(status);
    }

    @Override
    public String name() {
        return PyTorchBackendProvider.NAME;
    }

    @Override
    public Capabilities capabilities() {
        return new Capabilities(true, status.cudaNatives(), status.detail(), status.cudaNatives() ? ""
                : "CPU-only libtorch natives: no GPU (a CUDA libtorch 2.7.1 is found through PYTORCH_LIBRARY_PATH; "
                        + "see the backend-djl-pytorch README)");
    }

    @Override
    public List<Device> devices() {
        return devices.devices();
    }

    @Override
    public Session open(Network network, Parameters parameters, Device device) {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(device, "device");
        Parameters conformed = parameters.conformTo(network);
        Device resolved = devices.resolve(device);
        return new PyTorchSession(status.engine(), network, conformed, resolved);
    }

    @Override
    public String toString() {
        return "pytorch backend [" + status.detail() + "]";
    }
}
