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
     * @return the output shape including the batch dimension
     */
    Shape outputShape(String path, Shape input);

    /**
     * The tensors this layer owns directly, parameters and buffers, with local names such as {@code weight}, in
     * PyTorch's {@code state_dict} order; empty for most layers.
     *
     * @return an immutable list of specs with local names (a {@link Sequential}'s children are not included)
     */
    default List<ParameterSpec> parameters() {
        return List.of();
    }

    /**
     * Floating-point operations of one forward pass over {@code input} (batch included), counting a multiply and an
     * add as two; by the benchmarks' convention only matrix products are counted (convolutions, linear layers), and
     * element-wise or data-movement layers (ReLU, pooling, dropout, flatten) count 0, under 1 % of a VGG's total.
     *
     * @param input the input shape including the batch dimension
     * @return the operation count, >= 0
     * @throws org.vgg4j.core.ShapeMismatchException if {@code input} does not fit (layers that count 0 need not check)
     */
    long forwardFlops(Shape input);

    /**
     * A short description in the style of PyTorch's module {@code repr}, e.g. {@code Linear(in_features=3136, ...)}.
     *
     * @return one line; a container gives only {@code Sequential}
     */
    String describe();

    /**
     * Calls the method of {@code visitor} for this kind of layer.
     *
     * @param <R>     what the visitor returns
     * @param visitor the operation to apply
     * @return what the visitor's method for this layer returned
     */
    <R> R accept(LayerVisitor<R> visitor);
}
