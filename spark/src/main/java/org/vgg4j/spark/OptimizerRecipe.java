package org.vgg4j.spark;

import java.io.Serializable;
import org.vgg4j.core.optim.Adam;
import org.vgg4j.core.optim.AdamW;
import org.vgg4j.core.optim.LrSchedule;
import org.vgg4j.core.optim.OptimizerSpec;
import org.vgg4j.core.optim.Sgd;
import org.vgg4j.core.optim.SoftmaxCrossEntropy;
import org.vgg4j.core.optim.TrainingSpec;

/**
 * A {@link TrainingSpec}'s optimizer as plain values, so that it travels to the executors (core's specs are not
 * {@link Serializable}); {@link #spec(long)} rebuilds the identical spec with softmax cross-entropy.
 *
 * @param adam   Adam (else SGD)
 * @param values Adam: lr, beta1, beta2, epsilon, weight decay; SGD: lr, momentum, weight decay
 */
record OptimizerRecipe(boolean adam, double[] values) implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * The recipe of {@code spec}.
     *
     * @throws UnsupportedOperationException naming the setting, for what data-parallel training does not implement:
     *                                       a loss other than plain softmax cross-entropy, AdamW, Nesterov momentum,
     *                                       a learning-rate schedule, gradient clipping or parameter groups (a
     *                                       head learning rate)
     */
    static OptimizerRecipe of(TrainingSpec spec) {
        if (!(spec.loss() instanceof SoftmaxCrossEntropy ce) || ce.labelSmoothing() != 0) {
            throw new UnsupportedOperationException("data-parallel training implements softmax cross-entropy without "
                    + "label smoothing only, not " + spec.loss());
        }
        String unsupported = spec.optimizer() instanceof AdamW ? "AdamW (use Adam or SGD)"
                : spec.optimizer() instanceof Sgd s && s.nesterov() ? "Nesterov momentum"
                : !(spec.schedule() instanceof LrSchedule.Constant) ? "the learning-rate schedule " + spec.schedule()
                : spec.clips() ? "gradient clipping (clipNorm " + spec.clipNorm() + ")"
                : spec.hasGroups() ? "parameter groups with their own learning rates (a head learning rate: "
                        + spec.groupLearningRates() + ")" : null;
        if (unsupported != null) {
            throw new UnsupportedOperationException("data-parallel training does not implement " + unsupported
                    + ": it trains Adam or SGD at one constant learning rate without clipping");
        }
        OptimizerSpec o = spec.optimizer();
        if (o instanceof Adam a) {
            return new OptimizerRecipe(true, new double[] {a.learningRate(), a.beta1(), a.beta2(), a.epsilon(),
                a.weightDecay()});
        }
        Sgd s = (Sgd) o;
        return new OptimizerRecipe(false, new double[] {s.learningRate(), s.momentum(), s.weightDecay()});
    }

    /** The spec, with {@code seed} for the dropout masks. */
    TrainingSpec spec(long seed) {
        OptimizerSpec o = adam ? new Adam(values[0], values[1], values[2], values[3], values[4])
                : new Sgd(values[0], values[1], values[2]);
        return new TrainingSpec(o, new SoftmaxCrossEntropy(), seed);
    }
}
