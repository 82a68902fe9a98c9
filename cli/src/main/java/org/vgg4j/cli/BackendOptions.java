package org.vgg4j.cli;

import org.vgg4j.core.Device;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.core.spi.Backends;
import picocli.CommandLine.Option;

/**
 * The options that choose the engine and device; {@code auto} defers to {@code -Dvgg4j.backend}, then
 * {@code $VGG4J_BACKEND}, then the best available backend.
 */
public final class BackendOptions {
    @Option(names = "--backend", defaultValue = "auto", description = "pytorch, tensorflow, onnx or auto (default: ${DEFAULT-VALUE})")
    String backend;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu, gpu:N or auto (default: ${DEFAULT-VALUE})")
    String device;

    /**
     * The chosen backend.
     *
     * @return the backend named by {@code --backend}, from those ServiceLoader finds
     */
    public Backend backend() {
        return Backends.discover().select(backend);
    }

    /**
     * The chosen device.
     *
     * @return the device named by {@code --device}
     */
    public Device device() {
        return Device.parse(device);
    }
}
