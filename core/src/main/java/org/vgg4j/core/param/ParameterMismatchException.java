package org.vgg4j.core.param;

import org.vgg4j.core.Vgg4jException;

/**
 * Thrown when a set of parameters does not fit a network: a tensor is missing, unexpected or misshaped (each named).
 */
public final class ParameterMismatchException extends Vgg4jException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the network and every tensor that does not fit
     */
    public ParameterMismatchException(String message) {
        super(message);
    }
}
