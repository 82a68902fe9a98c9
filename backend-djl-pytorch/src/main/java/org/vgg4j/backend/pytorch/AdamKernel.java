package org.vgg4j.backend.pytorch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import org.vgg4j.core.Network;
import org.vgg4j.core.optim.Adam;

/**
 * Adam with PyTorch's rule, as one fused libtorch call per parameter (DJL's {@code adamUpdate}).
 *
 * <p>DJL's kernel computes {@code m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p -= c m / (sqrt(v) + e)}. With
 * {@code c = lr sqrt(bc2) / bc1} and {@code e = eps sqrt(bc2)} (bc = 1 - beta^t) that is algebraically PyTorch's
 * {@code p -= lr (m / bc1) / (sqrt(v / bc2) + eps)}; {@code m} and {@code v} are exactly PyTorch's {@code exp_avg} and
 * {@code exp_avg_sq}. Only float32 rounding of the last bits can differ from PyTorch.
 */
final class AdamKernel extends OptimizerKernel {
    private final Adam spec;

    AdamKernel(Adam spec, NDManager stateManager, Network network) {
        super(spec, stateManager, network);
        this.spec = spec;
    }

    @Override
    void update(NDArray[] params, NDArray[] grads, long step) {
        double bc1 = 1 - Math.pow(spec.beta1(), step);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(spec.beta2(), step));
        float stepSize = (float) (spec.learningRate() * bc2Sqrt / bc1);
        float eps = (float) (spec.epsilon() * bc2Sqrt);
        for (int i = 0; i < params.length; i++) {
            JniUtils.adamUpdate((PtNDArray) params[i], (PtNDArray) grads[i], (PtNDArray) slot(Adam.EXP_AVG, i),
                    (PtNDArray) slot(Adam.EXP_AVG_SQ, i), (float) spec.learningRate(), stepSize,
                    (float) spec.weightDecay(), 1f, -1f, (float) spec.beta1(), (float) spec.beta2(), eps, false);
        }
    }
}
