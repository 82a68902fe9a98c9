package org.vgg4j.core.layer;

import org.vgg4j.core.Shape;

/**
 * Inverted dropout: during training zeroes each element with probability {@code p} and scales the rest by
 * {@code 1/(1-p)}; the identity at inference.
 */
public record Dropout(double p) implements Layer {

    /**
     * Checks the probability.
     *
     * @param p probability of zeroing an element, in [0, 1); 0 makes the layer the identity
     * @throws IllegalArgumentException if {@code p} is outside [0, 1) or NaN
     */
    public Dropout {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        }
    }

    @Override
    public Shape outputShape(String path, Shape input) {
        return input;
    }

    @Override
    public String describe() {
        return "Dropout(p=" + p + ", inplace=False)";
    }

    @Override
    public long forwardFlops(Shape input) {
        return 0;
    }

    @Override
    public <R> R accept(LayerVisitor<R> visitor) {
        return visitor.dropout(this);
    }
}
