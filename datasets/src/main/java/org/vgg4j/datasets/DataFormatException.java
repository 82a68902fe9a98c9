package org.vgg4j.datasets;

import org.vgg4j.core.Vgg4jException;

/**
 * A data file is not what it must be (wrong magic number, truncated, inconsistent with its companion file); the
 * message names the file and says what to do.
 */
public class DataFormatException extends Vgg4jException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with the given message.
     *
     * @param message one line naming the file, what is wrong with it and what to do
     */
    public DataFormatException(String message) {
        super(message);
    }

    /**
     * An exception with the given message, caused by {@code cause}.
     *
     * @param message one line naming the file, what is wrong with it and what to do
     * @param cause   the underlying failure, e.g. an {@link java.io.IOException}; may be null
     */
    public DataFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
