package org.vgg4j.core.layer;

import java.util.List;
import org.vgg4j.core.DType;
import org.vgg4j.core.Shape;
import org.vgg4j.core.ShapeMismatchException;

/**
 * 2-D batch normalisation over the channels of an NCHW input, with PyTorch's semantics and {@code state_dict} names:
 * trainable {@code weight} (1) and {@code bias} (0), buffers {@code running_mean} (0), {@code running_var} (1) and
 * int64 {@code num_batches_tracked} (0).
 *
 * <p>In training mode a channel is normalised with its batch mean and biased variance over (N, H, W); then
 * {@code running = (1 - momentum) * running + momentum * batch} with the batch's unbiased variance, and
 * {@code num_batches_tracked} is incremented. In inference mode the running statistics are used:
 * {@code y = (x - running_mean) / sqrt(running_var + eps) * weight + bias}.
 */
public record BatchNorm2d(int numFeatures, double eps, double momentum) implements Layer {

    /**
     * Checks the hyper-parameters.
     *
     * @param numFeatures channels C of the input, >= 1
     * @param eps         added to the variance before the square root, > 0
     * @param momentum    weight of the batch statistic in the running update, in [0, 1]
     * @throws IllegalArgumentException if a value is out of range
     */
    public BatchNorm2d {
        if (numFeatures < 1 || !(eps > 0) || !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("bad BatchNorm2d(" + numFeatures + ", eps=" + eps + ", momentum="
                    + momentum + ")");
        }
    }

    /**
     * PyTorch's defaults: {@code eps = 1e-5}, {@code momentum = 0.1}.
     *
     * @param numFeatures channels C of the input, >= 1
     * @throws IllegalArgumentException if {@code numFeatures} is below 1
     */
    public BatchNorm2d(int numFeatures) {
        this(numFeatures, 1e-5, 0.1);
    }

    @Override
    public Shape outputShape(String path, Shape input) {
        if (input.rank() != 4 || input.dim(1) != numFeatures) {
            throw new ShapeMismatchException(path, "[N, " + numFeatures + ", H, W]", input);
        }
        return input;
    }

    /**
     * {@code weight} [C] (1), {@code bias} [C] (0), then the buffers {@code running_mean} [C] (0),
     * {@code running_var} [C] (1) and {@code num_batches_tracked} [] int64 (0), under every scheme (torchvision's VGG
     * sets BN weight 1 and bias 0, as PyTorch does).
     */
    @Override
    public List<ParameterSpec> parameters() {
        Shape c = Shape.of(numFeatures);
        return List.of(
                ParameterSpec.parameter("weight", c, Initialization.constant(1)),
                ParameterSpec.parameter("bias", c, Initialization.constant(0)),
                ParameterSpec.buffer("running_mean", c, DType.F32, Initialization.constant(0)),
                ParameterSpec.buffer("running_var", c, DType.F32, Initialization.constant(1)),
                ParameterSpec.buffer("num_batches_tracked", Shape.of(), DType.I64, Initialization.constant(0)));
    }

    @Override
    public String describe() {
        return "BatchNorm2d(" + numFeatures + ", eps=" + pyFloat(eps) + ", momentum=" + pyFloat(momentum)
                + ", affine=True, track_running_stats=True)";
    }

    /** A double as Python's {@code repr} writes the usual values (1e-05, 0.1). */
    static String pyFloat(double v) {
        if (v == 1e-5) {
            return "1e-05";
        }
        String s = Double.toString(v);
        return s.contains("E") ? String.format("%g", v) : s;
    }

    /** Element-wise: 0 by the convention of {@link Layer#forwardFlops}. */
    @Override
    public long forwardFlops(Shape input) {
        return 0;
    }

    @Override
    public <R> R accept(LayerVisitor<R> visitor) {
        return visitor.batchNorm2d(this);
    }
}
