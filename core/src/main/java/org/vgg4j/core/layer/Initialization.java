package org.vgg4j.core.layer;

import java.util.Objects;

/**
 * How a layer draws one of its tensors under each initialisation scheme vgg4j offers, stated by the layer itself so
 * that no initializer has to know the kinds of layers.
 *
 * @param pytorchDefault the layer's own {@code reset_parameters()} in PyTorch (e.g. U(-1/sqrt(fan_in), 1/sqrt(fan_in))
 *                       for convolution and linear weights and biases)
 * @param torchvisionVgg torchvision's VGG {@code _initialize_weights} (kaiming-normal fan-out for convolution weights,
 *                       N(0, 0.01) for linear weights, 0 for biases); buffers use their PyTorch value here too
 */
public record Initialization(Distribution pytorchDefault, Distribution torchvisionVgg) {

    /**
     * Checks that both schemes are given.
     *
     * @param pytorchDefault the distribution under PyTorch's default scheme, not null
     * @param torchvisionVgg the distribution under torchvision's VGG scheme, not null
     * @throws NullPointerException if either is null
     */
    public Initialization {
        Objects.requireNonNull(pytorchDefault, "pytorchDefault");
        Objects.requireNonNull(torchvisionVgg, "torchvisionVgg");
    }

    /**
     * The same constant under every scheme, e.g. a buffer that starts at 0.
     *
     * @param value every element's initial value
     * @return an initialization that draws no random numbers
     */
    public static Initialization constant(double value) {
        Distribution c = new Distribution.Constant(value);
        return new Initialization(c, c);
    }
}
