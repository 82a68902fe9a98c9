package org.vgg4j.backend.onnx;

import java.util.LinkedHashMap;
import java.util.Map;
import org.vgg4j.core.Network;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.param.Initializer;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.models.vgg.Vgg;
import org.vgg4j.models.vgg.VggConfig;
import org.vgg4j.models.vgg.VggVariant;

/**
 * Networks and parameters for this module's tests.
 */
final class TestModels {
    private TestModels() {
    }

    /** A narrow VGG-11 on 1x32x32 with dropout 0.5 (which the export must leave out). */
    static Network smallVgg() {
        return Vgg.build(VggConfig.d2l(VggVariant.VGG11).withRatio(8).withImageSize(32));
    }

    /**
     * PyTorch's default initialization with every weight scaled by sqrt(6): He-uniform weights (bound sqrt(6/fan_in),
     * which keeps activations at a steady scale through ReLU layers) and non-zero biases, so that even a deep VGG's
     * logits are of order one and an absolute tolerance of 1e-4 is a real test (both stock initializers give logits
     * near 1e-3).
     */
    static Parameters heUniform(Network network, long seed) {
        Parameters base = Parameters.initialize(network, Initializer.PYTORCH_DEFAULT, seed);
        float scale = (float) Math.sqrt(6);
        Map<String, Tensor> out = new LinkedHashMap<>();
        base.asMap().forEach((name, t) -> {
            if (name.endsWith(".weight")) {
                float[] v = t.toArray();
                for (int i = 0; i < v.length; i++) {
                    v[i] *= scale;
                }
                out.put(name, Tensor.wrap(t.shape(), v));
            } else {
                out.put(name, t);
            }
        });
        return Parameters.of(out);
    }
}
