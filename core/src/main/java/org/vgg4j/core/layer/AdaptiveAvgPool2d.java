package org.vgg4j.core.layer;

import org.vgg4j.core.Shape;
import org.vgg4j.core.ShapeMismatchException;

/**
 * Adaptive 2-D average pooling to a fixed {@code outH x outW} output, NCHW, with PyTorch's bins: output row {@code i}
 * of an input of height {@code H} averages rows {@code floor(i * H / outH)} (inclusive) to
 * {@code ceil((i + 1) * H / outH)} (exclusive), and the same for columns; bins may overlap or repeat an input element
 * when {@code H < outH}.
 */
public record AdaptiveAvgPool2d(int outH, int outW) implements Layer {

    /**
     * Checks the output size.
     *
     * @param outH output height, >= 1
     * @param outW output width, >= 1
     * @throws IllegalArgumentException if either is below 1
     */
    public AdaptiveAvgPool2d {
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("bad AdaptiveAvgPool2d(output_size=(" + outH + ", " + outW + "))");
        }
    }

    /**
     * The first input index (inclusive) of bin {@code i} of {@code out} bins over {@code size} inputs.
     *
     * @param i    bin index, in [0, out)
     * @param size input length along the axis, >= 1
     * @param out  number of bins (output length), >= 1
     * @return {@code floor(i * size / out)}, in [0, size)
     */
    public static int binStart(int i, int size, int out) {
        return (int) Math.floorDiv((long) i * size, out);
    }

    /**
     * The last input index (exclusive) of bin {@code i} of {@code out} bins over {@code size} inputs.
     *
     * @param i    bin index, in [0, out)
     * @param size input length along the axis, >= 1
     * @param out  number of bins (output length), >= 1
     * @return {@code ceil((i + 1) * size / out)}, in (binStart, size]
     */
    public static int binEnd(int i, int size, int out) {
        return (int) -Math.floorDiv(-(long) (i + 1) * size, out);
    }

    @Override
    public Shape outputShape(String path, Shape input) {
        if (input.rank() != 4) {
            throw new ShapeMismatchException(path, "[N, C, H, W]", input);
        }
        return Shape.of(input.dim(0), input.dim(1), outH, outW);
    }

    @Override
    public String describe() {
        return "AdaptiveAvgPool2d(output_size=(" + outH + ", " + outW + "))";
    }

    @Override
    public long forwardFlops(Shape input) {
        return 0;
    }

    @Override
    public <R> R accept(LayerVisitor<R> visitor) {
        return visitor.adaptiveAvgPool2d(this);
    }
}
