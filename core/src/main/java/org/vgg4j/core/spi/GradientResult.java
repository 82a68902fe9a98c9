package org.vgg4j.core.spi;

import org.vgg4j.core.param.Parameters;

/**
 * The loss of one batch and the gradient of that loss with respect to every trainable parameter, under the parameters'
 * names (buffers have no gradient).
 *
 * @param loss      mean loss over the batch
 * @param gradients one tensor per trainable parameter ({@link org.vgg4j.core.Network#trainableSpecs()}), same names
 *                  and shapes
 */
public record GradientResult(double loss, Parameters gradients) {
}
