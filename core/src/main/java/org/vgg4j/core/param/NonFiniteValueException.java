package org.vgg4j.core.param;

import org.vgg4j.core.ErrorText;
import org.vgg4j.core.Vgg4jException;

/**
 * Thrown when loaded parameters hold a NaN or an infinity; the message names the source, the tensor, the first bad
 * element and how many there are.
 */
public final class NonFiniteValueException extends Vgg4jException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the source, tensor and first bad element; flattened to one line
     */
    public NonFiniteValueException(String message) {
        super(ErrorText.oneLine(message));
    }
}
