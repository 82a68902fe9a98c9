package org.vgg4j.core.layer;

import java.util.List;
import org.vgg4j.core.Shape;
import org.vgg4j.core.ShapeMismatchException;

/**
 * A fully connected layer {@code y = x W^T + b} with weight [out, in] as in PyTorch.
 */
public record Linear(int inFeatures, int outFeatures) implements Layer {

    /**
     * Checks the sizes.
     *
     * @param inFeatures  input features, >= 1
     * @param outFeatures output features, >= 1
     * @throws IllegalArgumentException if either is below 1
     */
    public Linear {
        if (inFeatures < 1 || outFeatures < 1) {
            throw new IllegalArgumentException("bad Linear(" + inFeatures + ", " + outFeatures + ")");
        }
    }

    @Override
    public Shape outputShape(String path, Shape input) {
        if (input.rank() != 2 || input.dim(1) != inFeatures) {
            throw new ShapeMismatchException(path, "[N, " + inFeatures + "]", input);
        }
        return Shape.of(input.dim(0), outFeatures);
    }

    /**
     * {@code weight} [out, in] and {@code bias} [out]: both U(-1/sqrt(in), 1/sqrt(in)) by PyTorch's default;
     * torchvision's VGG scheme draws the weight from N(0, 0.01^2) and sets the bias to 0.
     */
    @Override
    public List<ParameterSpec> parameters() {
        Distribution pytorch = new Distribution.Uniform(1.0 / Math.sqrt(inFeatures));
        return List.of(
                ParameterSpec.parameter("weight", Shape.of(outFeatures, inFeatures),
                        new Initialization(pytorch, new Distribution.Normal(0.01))),
                ParameterSpec.parameter("bias", Shape.of(outFeatures),
                        new Initialization(pytorch, new Distribution.Constant(0))));
    }

    @Override
    public String describe() {
        return "Linear(in_features=" + inFeatures + ", out_features=" + outFeatures + ", bias=True)";
    }

    @Override
    public long forwardFlops(Shape input) {
        Shape out = outputShape("", input);
        return 2L * inFeatures * out.elementCount();
    }

    @Override
    public <R> R accept(LayerVisitor<R> visitor) {
        return visitor.linear(this);
    }
}
