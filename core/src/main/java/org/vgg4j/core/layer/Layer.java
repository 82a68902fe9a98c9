package org.vgg4j.core.layer;

import java.util.List;
import org.vgg4j.core.Shape;

/**
 * An immutable, engine-neutral layer specification that knows its output shape, the tensors it owns (with their
 * initialisation), its cost, and how to dispatch to a {@link LayerVisitor}.
 *
 * <p>Shapes include the batch dimension. Code that does something different per kind of layer implements a
 * {@link LayerVisitor} instead of testing types, so that a new record makes the compiler list every such place.
 */
public sealed interface Layer permits Conv2d, Relu, MaxPool2d, Flatten, Linear, Dropout, BatchNorm2d,
        AdaptiveAvgPool2d, AvgPool2d, Sequential {

    /**
     * The output shape for {@code input}, or a {@link org.vgg4j.core.ShapeMismatchException} naming {@code path}.
     *
     * @param path  the layer's name in its network, used in error messages
     * @param input the input shape including the batch dimension
     */
    Shape outputShape(String path, Shape input);

    /**
     * The tensors this layer owns directly, parameters and buffers, with local names such as {@code weight}, in
     * PyTorch's {@code state_dict} order; empty for most layers.
     */
    default List<ParameterSpec> parameters() {
        return List.of();
    }

    /**
     * Floating-point operations of one forward pass over {@code input} (batch included), counting a multiply and an
     * add as two; by the benchmarks' convention only matrix products are counted (convolutions, linear layers), and
     * element-wise or data-movement layers (ReLU, pooling, dropout, flatten) count 0, under 1 % of a VGG's total.
     */
    long forwardFlops(Shape input);

    /** A short description in the style of PyTorch's module {@code repr}, e.g. {@code Linear(in_features=3136, ...)}. */
    String describe();

    /** Calls the method of {@code visitor} for this kind of layer. */
    <R> R accept(LayerVisitor<R> visitor);
}
