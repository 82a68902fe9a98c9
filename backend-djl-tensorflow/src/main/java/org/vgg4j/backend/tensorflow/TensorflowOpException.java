package org.vgg4j.backend.tensorflow;

import org.vgg4j.core.Vgg4jException;

/**
 * Thrown when a TensorFlow graph run reports an error; the backend validates shapes before running, so this should
 * only signal a bug or a missing kernel. The session stays usable.
 */
public final class TensorflowOpException extends Vgg4jException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with TensorFlow's message.
     *
     * @param message what the kernel reported, and where
     */
    public TensorflowOpException(String message) {
        super(message);
    }
}
