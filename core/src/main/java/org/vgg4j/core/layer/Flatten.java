package org.vgg4j.core.layer;

import org.vgg4j.core.Shape;
import org.vgg4j.core.ShapeMismatchException;

/**
 * Flattens every dimension after the batch into one, in NCHW (channel-major) order as PyTorch does.
 */
public record Flatten() implements Layer {

    @Override
    public Shape outputShape(String path, Shape input) {
        if (input.rank() < 2) {
            throw new ShapeMismatchException(path, "[N, ...] (rank >= 2)", input);
        }
        long features = input.dropFirst().elementCount();
        if (features > Integer.MAX_VALUE) {
            throw new ShapeMismatchException(path, "[N, ...] with at most " + Integer.MAX_VALUE
                    + " values per sample (flattened " + features + ")", input);
        }
        return Shape.of(input.dim(0), (int) features);
    }

    @Override
    public String describe() {
        return "Flatten(start_dim=1, end_dim=-1)";
    }

    @Override
    public long forwardFlops(Shape input) {
        return 0;
    }

    @Override
    public <R> R accept(LayerVisitor<R> visitor) {
        return visitor.flatten(this);
    }
}
