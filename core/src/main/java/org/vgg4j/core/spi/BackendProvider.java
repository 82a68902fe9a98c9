package org.vgg4j.core.spi;

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
