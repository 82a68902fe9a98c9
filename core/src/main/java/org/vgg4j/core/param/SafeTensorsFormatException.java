package org.vgg4j.core.param;

import org.vgg4j.core.ErrorText;
import org.vgg4j.core.Vgg4jException;

/**
 * Thrown when a file is not a valid safetensors file of the kind vgg4j reads; the message names the file, the tensor
 * concerned (where there is one), what was expected and what was found, on one line (control characters in names
 * read from the file are escaped).
 */
public final class SafeTensorsFormatException extends Vgg4jException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the file, tensor, expected and found; flattened to one line
     */
    public SafeTensorsFormatException(String message) {
        super(ErrorText.oneLine(message));
    }

    /**
     * Creates the exception with the error that revealed the malformation.
     *
     * @param message the file, tensor, expected and found; flattened to one line
     * @param cause   the underlying error, such as a JSON parse error
     */
    public SafeTensorsFormatException(String message, Throwable cause) {
        super(ErrorText.oneLine(message), cause);
    }
}
