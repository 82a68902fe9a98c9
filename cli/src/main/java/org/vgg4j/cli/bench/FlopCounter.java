package org.vgg4j.cli.bench;

import org.vgg4j.core.Network;

/**
 * Analytic floating-point operations of a {@link Network}, as each layer counts its own
 * ({@link org.vgg4j.core.layer.Layer#forwardFlops}: multiply and add separately, a convolution
 * {@code 2 * Cin * k * k * Cout * Hout * Wout} per sample and a linear layer {@code 2 * in * out}; biases, ReLU,
 * pooling and dropout are not counted, under 1 % of the narrow VGG-11's total). A training step is approximated as 3
 * forward passes (the backward pass computes the input gradient and the weight gradient, each about as costly as the
 * forward pass).
 */
public final class FlopCounter {
    private FlopCounter() {
    }

    /**
     * Forward FLOPs of one sample, as the layers count them ({@link org.vgg4j.core.layer.Layer#forwardFlops}).
     *
     * @param network the network
     * @return the multiply-adds of its convolutions and linear layers, times 2
     */
    public static long forwardPerSample(Network network) {
        return network.root().forwardFlops(network.sampleShape().prepend(1));
    }

    /**
     * Approximate FLOPs of one training step per sample: 3x the forward pass.
     *
     * @param network the network
     * @return three times {@link #forwardPerSample}
     */
    public static long trainingStepPerSample(Network network) {
        return 3 * forwardPerSample(network);
    }

    /**
     * FLOPs of an {@code n x n} by {@code n x n} matrix product.
     *
     * @param n the matrices' size
     * @return {@code 2 n^3}
     */
    public static long gemm(int n) {
        return 2L * n * n * n;
    }
}
