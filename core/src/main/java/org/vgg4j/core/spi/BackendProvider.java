package org.vgg4j.core.spi;

import org.vgg4j.core.Device;

/**
 * The {@link java.util.ServiceLoader} entry point of a backend module (listed in
 * {@code META-INF/services/org.vgg4j.core.spi.BackendProvider}); must be cheap to construct and never load an engine
 * before {@link #create()}.
 */
public interface BackendProvider {

    /**
     * The backend's name, lower case, as users type it: {@code pytorch}, {@code tensorflow}, {@code onnx}.
     *
     * @return the name, unique among providers
     */
    String name();

    /**
     * Rank for automatic selection: the available backend with the highest priority wins.
     *
     * @return the priority; ties are broken by name
     */
    int priority();

    /**
     * Rank for {@code --backend auto} on a task and device kind: among the available backends, the highest rank wins;
     * a negative rank means this backend does not offer the task (ONNX Runtime cannot train). Built-in backends rank
     * by their measured speed on that task (the README's "Choosing a backend" gives the numbers); the default is
     * {@link #priority()} for every task.
     *
     * @param task   training or inference
     * @param device {@link Device.Kind#CPU} or {@link Device.Kind#GPU} (callers rank
     *               {@code AUTO} as the kind it resolves to)
     * @return the rank, higher is preferred; negative to opt out of the task
     */
    default int rank(Task task, Device.Kind device) {
        return priority();
    }

    /**
     * Whether this backend can run here, and why not; loads the engine if needed but never throws.
     *
     * @return the availability, with the engine version or the reason it cannot run
     */
    Availability availability();

    /**
     * The backend; throws {@link BackendUnavailableException} with the reason when it is not available.
     *
     * @return the backend, ready to open sessions
     */
    Backend create();
}
