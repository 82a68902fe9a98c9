package org.vgg4j.core.spi;

/**
 * Thrown when the backend asked for by name is not on the class path at all (a misspelt or unsupported name, as
 * opposed to a known backend that cannot run here); the message lists every backend found.
 */
public final class UnknownBackendException extends BackendUnavailableException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the unknown name, where it came from, and the backends found
     */
    public UnknownBackendException(String message) {
        super(message);
    }
}
