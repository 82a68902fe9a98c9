package org.vgg4j.cli;

import org.vgg4j.core.Device;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.core.spi.BackendChoice;
import org.vgg4j.core.spi.Backends;
import org.vgg4j.core.spi.Task;
import picocli.CommandLine.Option;

/**
 * The options that choose the engine and device; {@code auto} defers to {@code -Dvgg4j.backend}, then
 * {@code $VGG4J_BACKEND}, then the available backend ranked fastest for the task (training or inference).
 */
public final class BackendOptions {
    @Option(names = "--backend", defaultValue = "auto", description = "pytorch, tensorflow, onnx or auto (the fastest available for the task: on a CPU tensorflow to train, onnx for inference) (default: ${DEFAULT-VALUE})")
    String backend;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu, gpu:N or auto (default: ${DEFAULT-VALUE})")
    String device;

    /**
     * The chosen backend for a task, and why: {@code --backend}, else {@code -Dvgg4j.backend}, else
     * {@code $VGG4J_BACKEND}, else the available backend that ranks first for the task on {@code --device}.
     *
     * @param task training or inference
     * @return the backend named by {@code --backend} or picked by {@link Backends#choose}, with the reason
     */
    public BackendChoice choose(Task task) {
        return choose(task, null);
    }

    /**
     * As {@link #choose(Task)}, keeping {@code preferred} (a resumed checkpoint's backend) when {@code --backend},
     * the property and the variable name none and it is available.
     *
     * @param task      training or inference
     * @param preferred the backend to keep, or null
     * @return the backend and the reason it was picked
     */
    public BackendChoice choose(Task task, String preferred) {
        return Backends.discover().choose(backend, task, device(), preferred);
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
