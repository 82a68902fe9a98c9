package org.vgg4j.core.param;

import org.vgg4j.core.Vgg4jException;

/**
 * Thrown when a set of parameters does not fit a network: a tensor is missing, unexpected or misshaped (each named).
 */
public final class ParameterMismatchException extends Vgg4jException {
    private static final long serialVersionUID = 1L;

    public ParameterMismatchException(String message) {
        super(message);
    }
}
