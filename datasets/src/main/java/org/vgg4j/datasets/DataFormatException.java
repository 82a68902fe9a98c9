package org.vgg4j.datasets;

import org.vgg4j.core.Vgg4jException;

/**
 * A data file is not what it must be (wrong magic number, truncated, inconsistent with its companion file); the
 * message names the file and says what to do.
 */
public class DataFormatException extends Vgg4jException {
    private static final long serialVersionUID = 1L;

    public DataFormatException(String message) {
        super(message);
    }

    public DataFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
