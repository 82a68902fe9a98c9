package org.vgg4j.core.layer;

import java.util.List;
import org.vgg4j.core.Shape;

/**
 * An immutable, engine-neutral layer specification that knows its output shape and the parameters it owns.
 *
 * <p>Shapes include the batch dimension. Backends switch over the permitted records to compile a network.
 */
public sealed interface Layer permits Conv2d, Relu, MaxPool2d, Flatten, Linear, Dropout, Sequential {

    /**
     * The output shape for {@code input}, or a {@link org.vgg4j.core.ShapeMismatchException} naming {@code path}.
     *
     * @param path  the layer's name in its network, used in error messages
     * @param input the input shape including the batch dimension
     */
    Shape outputShape(String path, Shape input);

    /** The parameters this layer owns directly, with local names such as {@code weight}; empty for most layers. */
    default List<ParameterSpec> parameters() {
        return List.of();
    }

    /** A short description in the style of PyTorch's module {@code repr}, e.g. {@code Linear(in_features=3136, ...)}. */
    String describe();
}
