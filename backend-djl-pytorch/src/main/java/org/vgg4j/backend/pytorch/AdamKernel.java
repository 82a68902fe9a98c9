package org.vgg4j.backend.pytorch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import org.vgg4j.core.Network;
import org.vgg4j.core.optim.Adam;
import org.vgg4j.core.optim.AdamW;

/**
 * Adam and AdamW with PyTorch's rules, as one fused libtorch call per parameter (DJL's {@code adamUpdate}), AdamW's
 * decoupled decay {@code p *= 1 - lr * wd} as one in-place multiply before it.
 *
 * <p>DJL's kernel computes {@code m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p -= c m / (sqrt(v) + e)}. With
 * {@code c = lr sqrt(bc2) / bc1} and {@code e = eps sqrt(bc2)} (bc = 1 - beta^t) that is algebraically PyTorch's
 * {@code p -= lr (m / bc1) / (sqrt(v / bc2) + eps)}; {@code m} and {@code v} are exactly PyTorch's {@code exp_avg} and
 * {@code exp_avg_sq}. Only float32 rounding of the last bits can differ from PyTorch. Adam's L2 decay is folded into
 * the gradient by the kernel ({@code g + wd p}); AdamW passes it no decay.
 */
final class AdamKernel extends OptimizerKernel {
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final boolean decoupled;

    AdamKernel(Adam spec, NDManager stateManager, Network network) {
        super(spec, stateManager, network);
        this.beta1 = spec.beta1();
        this.beta2 = spec.beta2();
        this.epsilon = spec.epsilon();
        this.weightDecay = spec.weightDecay();
        this.decoupled = false;
    }

    AdamKernel(AdamW spec, NDManager stateManager, Network network) {
        super(spec, stateManager, network);
        this.beta1 = spec.beta1();
        this.beta2 = spec.beta2();
        this.epsilon = spec.epsilon();
        this.weightDecay = spec.weightDecay();
        this.decoupled = true;
    }

    @Override
    void update(NDArray[] params, NDArray[] grads, long step, double[] rates) {
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
        float eps = (float) (epsilon * bc2Sqrt);
        for (int i = 0; i < params.length; i++) {
            double lr = rates[i];
            float stepSize = (float) (lr * bc2Sqrt / bc1);
            float shrink = (float) (1 - lr * weightDecay);
            if (decoupled && weightDecay != 0) {
                params[i].muli(shrink);
            }
            JniUtils.adamUpdate((PtNDArray) params[i], (PtNDArray) grads[i], (PtNDArray) slot(Adam.EXP_AVG, i),
                    (PtNDArray) slot(Adam.EXP_AVG_SQ, i), (float) lr, stepSize,
                    decoupled ? 0f : (float) weightDecay, 1f, -1f, (float) beta1, (float) beta2, eps, false);
        }
    }
}
