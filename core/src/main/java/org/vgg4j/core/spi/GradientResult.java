package org.vgg4j.core.spi;

import org.vgg4j.core.param.Parameters;

/**
 * The loss of one batch and the gradient of that loss with respect to every parameter, under the parameters' names.
 *
 * @param loss      mean loss over the batch
 * @param gradients one tensor per parameter, same names and shapes
 */
public record GradientResult(double loss, Parameters gradients) {
}
