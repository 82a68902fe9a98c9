package org.vgg4j.core.config;

import org.vgg4j.core.Vgg4jException;

/**
 * Thrown when a stored run configuration cannot be read: an unknown or missing field, a value of the wrong type or out
 * of range; the message names the field.
 */
public final class InvalidConfigException extends Vgg4jException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, naming the field
     */
    public InvalidConfigException(String message) {
        super(message);
    }
}
