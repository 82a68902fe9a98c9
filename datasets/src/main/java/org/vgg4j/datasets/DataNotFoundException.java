package org.vgg4j.datasets;

import org.vgg4j.core.Vgg4jException;

/**
 * No copy of a data set was found anywhere the locator looked (and none could be downloaded); the message lists every
 * place tried and exactly how to obtain the data.
 */
public class DataNotFoundException extends Vgg4jException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with the given message.
     *
     * @param message one line listing every place tried and how to obtain the data
     */
    public DataNotFoundException(String message) {
        super(message);
    }

    /**
     * An exception with the given message, caused by {@code cause}.
     *
     * @param message one line listing every place tried and how to obtain the data
     * @param cause   the underlying failure, e.g. an {@link java.io.IOException}; may be null
     */
    public DataNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
