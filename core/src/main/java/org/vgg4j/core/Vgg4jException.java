package org.vgg4j.core;

/**
 * Base of every error vgg4j reports to its users; its message says what went wrong and what to do.
 */
public class Vgg4jException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message one line for the user: what went wrong and what to do
     */
    public Vgg4jException(String message) {
        super(message);
    }

    /**
     * Creates the exception with the error behind it (kept for debugging; users see only the message).
     *
     * @param message one line for the user: what went wrong and what to do
     * @param cause   the underlying error
     */
    public Vgg4jException(String message, Throwable cause) {
        super(message, cause);
    }
}
