package org.vgg4j.backend.pytorch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import org.vgg4j.core.Network;
import org.vgg4j.core.optim.Sgd;

/**
 * SGD with PyTorch's rule: {@code g' = g + wd p; b = momentum b + g'; p -= lr b}, with Nesterov momentum
 * {@code p -= lr (g' + momentum b)} ({@code p -= lr g'} without momentum, then one fused libtorch call per
 * parameter). The momentum buffer is exactly PyTorch's
 * {@code momentum_buffer} (DJL's fused kernel would store {@code lr b} instead, so it is not used with momentum).
 */
final class SgdKernel extends OptimizerKernel {
    private final Sgd spec;

    SgdKernel(Sgd spec, NDManager stateManager, Network network) {
        super(spec, stateManager, network);
        this.spec = spec;
    }

    @Override
    void update(NDArray[] params, NDArray[] grads, long step, double[] rates) {
        float wd = (float) spec.weightDecay();
        for (int i = 0; i < params.length; i++) {
            float lr = (float) rates[i];
            NDArray p = params[i];
            NDArray g = grads[i];
            if (spec.momentum() == 0) {
                // The state argument is not read when momentum is 0.
                JniUtils.sgdUpdate((PtNDArray) p, (PtNDArray) g, (PtNDArray) g, lr, wd, 1f, -1f, 0f);
                continue;
            }
            NDArray effective = g;
            if (wd != 0) {
                try (NDArray decay = p.mul(wd)) {
                    effective = g.add(decay); // attached to the step's scope, like g
                }
            }
            NDArray buffer = slot(Sgd.MOMENTUM_BUFFER, i);
            buffer.muli((float) spec.momentum()).addi(effective);
            if (spec.nesterov()) {
                try (NDArray ahead = buffer.mul((float) spec.momentum()); NDArray d = effective.add(ahead)) {
                    p.subi(d.muli(lr));
                }
                continue;
            }
            try (NDArray delta = buffer.mul(lr)) {
                p.subi(delta);
            }
        }
    }
}
