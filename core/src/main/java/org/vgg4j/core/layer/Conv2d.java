package org.vgg4j.core.layer;

import java.util.List;
import org.vgg4j.core.Shape;
import org.vgg4j.core.ShapeMismatchException;

/**
 * A 2-D convolution with square kernels, equal stride and zero padding on both axes, and a bias; NCHW in and out.
 */
public record Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding) implements Layer {

    /**
     * Checks the sizes.
     *
     * @param inChannels  input channels, >= 1
     * @param outChannels output channels (filters), >= 1
     * @param kernelSize  kernel height and width, >= 1
     * @param stride      step on both axes, >= 1
     * @param padding     zeros added on each side, >= 0
     * @throws IllegalArgumentException if a value is out of range
     */
    public Conv2d {
        if (inChannels < 1 || outChannels < 1 || kernelSize < 1 || stride < 1 || padding < 0) {
            throw new IllegalArgumentException("bad Conv2d(" + inChannels + ", " + outChannels + ", kernel="
                    + kernelSize + ", stride=" + stride + ", padding=" + padding + ")");
        }
    }

    /**
     * The VGG convolution: 3x3, stride 1, padding 1 (keeps height and width).
     *
     * @param inChannels  input channels, >= 1
     * @param outChannels output channels, >= 1
     * @return the convolution
     * @throws IllegalArgumentException if a channel count is below 1
     */
    public static Conv2d same3x3(int inChannels, int outChannels) {
        return new Conv2d(inChannels, outChannels, 3, 1, 1);
    }

    @Override
    public Shape outputShape(String path, Shape input) {
        String expected = "[N, " + inChannels + ", H >= " + Math.max(1, kernelSize - 2 * padding) + ", W >= "
                + Math.max(1, kernelSize - 2 * padding) + "]";
        if (input.rank() != 4 || input.dim(1) != inChannels) {
            throw new ShapeMismatchException(path, expected, input);
        }
        int h = (input.dim(2) + 2 * padding - kernelSize) / stride + 1;
        int w = (input.dim(3) + 2 * padding - kernelSize) / stride + 1;
        if (input.dim(2) + 2 * padding < kernelSize || input.dim(3) + 2 * padding < kernelSize) {
            throw new ShapeMismatchException(path, expected, input);
        }
        return Shape.of(input.dim(0), outChannels, h, w);
    }

    /**
     * {@code weight} [out, in, k, k] and {@code bias} [out]: both U(-1/sqrt(fan_in), 1/sqrt(fan_in)) by PyTorch's
     * default (fan_in = in * k * k); torchvision's VGG scheme draws the weight kaiming-normal with fan-out and ReLU
     * gain, N(0, 2 / (out * k * k)), and sets the bias to 0.
     */
    @Override
    public List<ParameterSpec> parameters() {
        int area = kernelSize * kernelSize;
        Distribution pytorch = new Distribution.Uniform(1.0 / Math.sqrt(inChannels * area));
        return List.of(
                ParameterSpec.parameter("weight", Shape.of(outChannels, inChannels, kernelSize, kernelSize),
                        new Initialization(pytorch, new Distribution.Normal(Math.sqrt(2.0 / (outChannels * area))))),
                ParameterSpec.parameter("bias", Shape.of(outChannels),
                        new Initialization(pytorch, new Distribution.Constant(0))));
    }

    @Override
    public String describe() {
        return "Conv2d(" + inChannels + ", " + outChannels + ", kernel_size=(" + kernelSize + ", " + kernelSize
                + "), stride=(" + stride + ", " + stride + "), padding=(" + padding + ", " + padding + "))";
    }

    @Override
    public long forwardFlops(Shape input) {
        Shape out = outputShape("", input);
        return 2L * inChannels * kernelSize * kernelSize * out.elementCount();
    }

    @Override
    public <R> R accept(LayerVisitor<R> visitor) {
        return visitor.conv2d(this);
    }
}
