package org.vgg4j.core.testing;

import java.util.Map;

/**
 * One leaf layer of the plain-Java float64 reference pass, bound to its input shape and weights: its forward pass
 * and, after a forward pass in training mode, its backward pass.
 */
interface ReferenceOp {

    /** The output for input {@code x} (row-major, batch included); in training mode dropout is active. */
    double[] forward(double[] x, boolean training);

    /**
     * Given the loss's gradient {@code dy} with respect to the last output, adds the gradients of this layer's
     * parameters to {@code grads} (by full name) and returns the gradient with respect to the input.
     */
    double[] backward(double[] dy, Map<String, double[]> grads);

    /**
     * After a forward pass in training mode, puts the new value of each buffer this layer updates (batch norm's
     * running statistics and batch count) into {@code buffers} by full name; nothing for most layers.
     */
    default void updatedBuffers(Map<String, double[]> buffers) {
    }
}
