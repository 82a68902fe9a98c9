package org.vgg4j.core.layer;

import org.vgg4j.core.Shape;

/**
 * Element-wise {@code max(x, 0)}; keeps the shape.
 */
public record Relu() implements Layer {

    @Override
    public Shape outputShape(String path, Shape input) {
        return input;
    }

    @Override
    public String describe() {
        return "ReLU()";
    }

    @Override
    public long forwardFlops(Shape input) {
        return 0;
    }

    @Override
    public <R> R accept(LayerVisitor<R> visitor) {
        return visitor.relu(this);
    }
}
