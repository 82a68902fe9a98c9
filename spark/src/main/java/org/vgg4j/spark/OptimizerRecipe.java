package org.vgg4j.spark;

import java.io.Serializable;
import org.vgg4j.core.optim.Adam;
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

    static OptimizerRecipe of(TrainingSpec spec) {
        if (!(spec.loss() instanceof SoftmaxCrossEntropy)) {
            throw new UnsupportedOperationException("data-parallel training implements softmax cross-entropy only, not "
                    + spec.loss());
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
