package org.vgg4j.core.optim;

import java.util.List;

/**
 * Stochastic gradient descent with optional momentum, PyTorch's rule: {@code b = momentum * b + g; p -= lr * b}
 * (plain {@code p -= lr * g} when momentum is 0); state slot {@code momentum_buffer}.
 */
public record Sgd(double learningRate, double momentum, double weightDecay) implements OptimizerSpec {

    /** Name of the momentum state slot. */
    public static final String MOMENTUM_BUFFER = "momentum_buffer";

    /**
     * Checks the hyper-parameters.
     *
     * @param learningRate step size, > 0
     * @param momentum     momentum factor, in [0, 1); 0 for plain SGD
     * @param weightDecay  L2 penalty folded into the gradient, >= 0
     * @throws IllegalArgumentException listing all three values if one is out of range (or NaN)
     */
    public Sgd {
        if (!(learningRate > 0) || !(momentum >= 0 && momentum < 1) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException(
                    "bad SGD(lr=" + learningRate + ", momentum=" + momentum + ", weight_decay=" + weightDecay + ")");
        }
    }

    /** {@code momentum_buffer} with momentum, none without (PyTorch keeps no buffer then). */
    @Override
    public List<String> slotNames() {
        return momentum > 0 ? List.of(MOMENTUM_BUFFER) : List.of();
    }
}
