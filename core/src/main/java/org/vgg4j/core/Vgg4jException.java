package org.vgg4j.core;

/**
 * Base of every error vgg4j reports to its users; its message says what went wrong and what to do.
 */
public class Vgg4jException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Vgg4jException(String message) {
        super(message);
    }

    public Vgg4jException(String message, Throwable cause) {
        super(message, cause);
    }
}
