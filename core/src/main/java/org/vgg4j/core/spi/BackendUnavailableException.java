package org.vgg4j.core.spi;

import org.vgg4j.core.Vgg4jException;

/**
 * Thrown when a backend is asked for by name and does not exist or cannot run here; the message lists what was found.
 * {@link UnknownBackendException} is the case of a name that no backend on the class path has.
 */
public class BackendUnavailableException extends Vgg4jException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the backend, why it cannot run, and the backends found
     */
    public BackendUnavailableException(String message) {
        super(message);
    }

    /**
     * Creates the exception with the error that made the engine fail to load.
     *
     * @param message the backend, why it cannot run, and the backends found
     * @param cause   the underlying error, e.g. an {@link UnsatisfiedLinkError} from loading a native library
     */
    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
