package org.vgg4j.core.layer;

import java.util.List;
import org.vgg4j.core.Shape;
import org.vgg4j.core.ShapeMismatchException;

/**
 * A fully connected layer {@code y = x W^T + b} with weight [out, in] as in PyTorch.
 */
public record Linear(int inFeatures, int outFeatures) implements Layer {

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

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(
                new ParameterSpec("weight", Shape.of(outFeatures, inFeatures), ParameterSpec.Role.WEIGHT, this,
                        inFeatures, outFeatures),
                new ParameterSpec("bias", Shape.of(outFeatures), ParameterSpec.Role.BIAS, this, inFeatures,
                        outFeatures));
    }

    @Override
    public String describe() {
        return "Linear(in_features=" + inFeatures + ", out_features=" + outFeatures + ", bias=True)";
    }
}
