package org.vgg4j.core.train;

import org.vgg4j.core.Vgg4jException;

/**
 * Thrown when a training step yields a loss that is not a finite number.
 */
public final class TrainingDivergedException extends Vgg4jException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the non-finite loss and where (epoch, batch) it occurred
     */
    public TrainingDivergedException(String message) {
        super(message);
    }
}
