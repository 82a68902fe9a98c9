package org.vgg4j.core.optim;

import java.util.List;

/**
 * Stochastic gradient descent with optional (Nesterov) momentum, PyTorch's {@code torch.optim.SGD} rule (no
 * dampening):
 *
 * <pre>
 * g' = g + weightDecay * p
 * b = momentum * b + g'                  (b = g' at the first step)
 * p -= lr * (nesterov ? g' + momentum * b : b)
 * </pre>
 * and plain {@code p -= lr * g'} when momentum is 0; {@code lr} is the scheduled rate of the step (see
 * {@link LrSchedule}); state slot {@code momentum_buffer}.
 *
 * @param learningRate step size, > 0
 * @param momentum     momentum factor, in [0, 1); 0 for plain SGD
 * @param weightDecay  L2 penalty folded into the gradient, >= 0
 * @param nesterov     Nesterov momentum (needs {@code momentum > 0}, as in PyTorch)
 */
public record Sgd(double learningRate, double momentum, double weightDecay, boolean nesterov)
        implements OptimizerSpec {

    /** Name of the momentum state slot. */
    public static final String MOMENTUM_BUFFER = "momentum_buffer";

    /**
     * Checks the hyper-parameters.
     *
     * @param learningRate step size, > 0
     * @param momentum     momentum factor, in [0, 1); 0 for plain SGD
     * @param weightDecay  L2 penalty folded into the gradient, >= 0
     * @param nesterov     Nesterov momentum; needs {@code momentum > 0}
     * @throws IllegalArgumentException listing the values if one is out of range (or NaN), or if {@code nesterov}
     *                                  is asked for without momentum
     */
    public Sgd {
        if (!(learningRate > 0) || !(momentum >= 0 && momentum < 1) || !(weightDecay >= 0)
                || (nesterov && !(momentum > 0))) {
            throw new IllegalArgumentException("bad SGD(lr=" + learningRate + ", momentum=" + momentum
                    + ", weight_decay=" + weightDecay + ", nesterov=" + nesterov + ")"
                    + (nesterov && !(momentum > 0) ? ": Nesterov momentum needs momentum > 0" : ""));
        }
    }

    /**
     * SGD with classical (not Nesterov) momentum.
     *
     * @param learningRate step size, > 0
     * @param momentum     momentum factor, in [0, 1); 0 for plain SGD
     * @param weightDecay  L2 penalty folded into the gradient, >= 0
     * @throws IllegalArgumentException listing the values if one is out of range (or NaN)
     */
    public Sgd(double learningRate, double momentum, double weightDecay) {
        this(learningRate, momentum, weightDecay, false);
    }

    /** {@code momentum_buffer} with momentum, none without (PyTorch keeps no buffer then). */
    @Override
    public List<String> slotNames() {
        return momentum > 0 ? List.of(MOMENTUM_BUFFER) : List.of();
    }
}
