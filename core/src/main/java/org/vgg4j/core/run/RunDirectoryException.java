package org.vgg4j.core.run;

import org.vgg4j.core.Vgg4jException;

/**
 * Thrown when a run directory cannot be used: it is a file, cannot be created or written, lacks free space, or is in
 * use by another run; the message names the directory and the reason.
 */
public class RunDirectoryException extends Vgg4jException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the directory and the reason it cannot be used
     */
    public RunDirectoryException(String message) {
        super(message);
    }

    /**
     * Creates the exception with the I/O error behind it.
     *
     * @param message the directory and the reason it cannot be used
     * @param cause   the underlying error, usually an {@link java.io.IOException}
     */
    public RunDirectoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
