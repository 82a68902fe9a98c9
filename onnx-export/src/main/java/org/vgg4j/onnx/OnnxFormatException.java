package org.vgg4j.onnx;

import org.vgg4j.core.ErrorText;
import org.vgg4j.core.Vgg4jException;

/**
 * Thrown when a file or byte array is not a readable ONNX model, or is an ONNX model vgg4j cannot serve; the message
 * names the file and says what is wrong, on one line (control characters in names read from the file are escaped).
 */
public final class OnnxFormatException extends Vgg4jException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception whose message is {@code message} made into one line.
     *
     * @param message what is wrong, naming the file; line breaks and control characters are escaped
     */
    public OnnxFormatException(String message) {
        super(ErrorText.oneLine(message));
    }

    /**
     * An exception whose message is {@code message} made into one line, caused by {@code cause}.
     *
     * @param message what is wrong, naming the file; line breaks and control characters are escaped
     * @param cause   the underlying failure (e.g. a protobuf parse error); may be null
     */
    public OnnxFormatException(String message, Throwable cause) {
        super(ErrorText.oneLine(message), cause);
    }
}
