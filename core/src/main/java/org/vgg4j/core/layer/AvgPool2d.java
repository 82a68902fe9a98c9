package org.vgg4j.core.layer;

import org.vgg4j.core.Shape;
import org.vgg4j.core.ShapeMismatchException;

/**
 * 2-D average pooling with a square window, symmetric zero padding and floor rounding, NCHW; as PyTorch's default
 * {@code count_include_pad=True}, every window divides by {@code kernelSize^2}, padded elements included.
 */
public record AvgPool2d(int kernelSize, int stride, int padding) implements Layer {

    /**
     * Checks the window.
     *
     * @param kernelSize window height and width, >= 1
     * @param stride     step between windows on both axes, >= 1
     * @param padding    zeros added on each side, in [0, kernelSize / 2]
     * @throws IllegalArgumentException if a value is out of range
     */
    public AvgPool2d {
        if (kernelSize < 1 || stride < 1 || padding < 0 || padding > kernelSize / 2) {
            throw new IllegalArgumentException("bad AvgPool2d(kernel=" + kernelSize + ", stride=" + stride
                    + ", padding=" + padding + "): need kernel, stride >= 1 and 0 <= padding <= kernel / 2");
        }
    }

    /**
     * No padding.
     *
     * @param kernelSize window height and width, >= 1
     * @param stride     step between windows on both axes, >= 1
     * @throws IllegalArgumentException if a value is below 1
     */
    public AvgPool2d(int kernelSize, int stride) {
        this(kernelSize, stride, 0);
    }

    @Override
    public Shape outputShape(String path, Shape input) {
        int k = kernelSize - 2 * padding;
        if (input.rank() != 4 || input.dim(2) < k || input.dim(3) < k) {
            throw new ShapeMismatchException(path, "[N, C, H >= " + k + ", W >= " + k + "]", input);
        }
        return Shape.of(input.dim(0), input.dim(1), (input.dim(2) + 2 * padding - kernelSize) / stride + 1,
                (input.dim(3) + 2 * padding - kernelSize) / stride + 1);
    }

    @Override
    public String describe() {
        return "AvgPool2d(kernel_size=" + kernelSize + ", stride=" + stride + ", padding=" + padding + ")";
    }

    @Override
    public long forwardFlops(Shape input) {
        return 0;
    }

    @Override
    public <R> R accept(LayerVisitor<R> visitor) {
        return visitor.avgPool2d(this);
    }
}
