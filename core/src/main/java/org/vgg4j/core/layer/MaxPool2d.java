package org.vgg4j.core.layer;

import org.vgg4j.core.Shape;
import org.vgg4j.core.ShapeMismatchException;

/**
 * 2-D max pooling with a square window, no padding, floor rounding (PyTorch's defaults); NCHW in and out.
 */
public record MaxPool2d(int kernelSize, int stride) implements Layer {

    /**
     * Checks the window.
     *
     * @param kernelSize window height and width, >= 1
     * @param stride     step between windows on both axes, >= 1
     * @throws IllegalArgumentException if either is below 1
     */
    public MaxPool2d {
        if (kernelSize < 1 || stride < 1) {
            throw new IllegalArgumentException("bad MaxPool2d(kernel=" + kernelSize + ", stride=" + stride + ")");
        }
    }

    @Override
    public Shape outputShape(String path, Shape input) {
        if (input.rank() != 4 || input.dim(2) < kernelSize || input.dim(3) < kernelSize) {
            throw new ShapeMismatchException(path, "[N, C, H >= " + kernelSize + ", W >= " + kernelSize + "]", input);
        }
        return Shape.of(input.dim(0), input.dim(1), (input.dim(2) - kernelSize) / stride + 1,
                (input.dim(3) - kernelSize) / stride + 1);
    }

    @Override
    public String describe() {
        return "MaxPool2d(kernel_size=" + kernelSize + ", stride=" + stride + ", padding=0, dilation=1, ceil_mode=False)";
    }

    @Override
    public long forwardFlops(Shape input) {
        return 0;
    }

    @Override
    public <R> R accept(LayerVisitor<R> visitor) {
        return visitor.maxPool2d(this);
    }
}
