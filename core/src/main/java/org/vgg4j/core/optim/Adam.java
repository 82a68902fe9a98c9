package org.vgg4j.core.optim;

import java.util.List;

/**
 * Adam (Kingma and Ba) with PyTorch's update rule and defaults: betas (0.9, 0.999), eps 1e-8 added after the square
 * root of the bias-corrected second moment, L2 weight decay folded into the gradient.
 *
 * <pre>
 * g = grad + weightDecay * p
 * m = beta1 * m + (1 - beta1) * g;     v = beta2 * v + (1 - beta2) * g * g
 * p -= lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)
 * </pre>
 * Its state slots are named like PyTorch's: {@code exp_avg} and {@code exp_avg_sq}.
 */
public record Adam(double learningRate, double beta1, double beta2, double epsilon, double weightDecay)
        implements OptimizerSpec {

    /** Name of the first-moment state slot. */
    public static final String EXP_AVG = "exp_avg";
    /** Name of the second-moment state slot. */
    public static final String EXP_AVG_SQ = "exp_avg_sq";

    /**
     * Checks the hyper-parameters.
     *
     * @param learningRate step size, > 0
     * @param beta1        decay of the first-moment average, in [0, 1)
     * @param beta2        decay of the second-moment average, in [0, 1)
     * @param epsilon      added to the denominator for stability, > 0
     * @param weightDecay  L2 penalty folded into the gradient, >= 0
     * @throws IllegalArgumentException listing all five values if one is out of range (or NaN)
     */
    public Adam {
        if (!(learningRate > 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(epsilon > 0)
                || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("bad Adam(lr=" + learningRate + ", betas=(" + beta1 + ", " + beta2
                    + "), eps=" + epsilon + ", weight_decay=" + weightDecay + ")");
        }
    }

    /** {@code exp_avg} and {@code exp_avg_sq}. */
    @Override
    public List<String> slotNames() {
        return List.of(EXP_AVG, EXP_AVG_SQ);
    }

    /**
     * Adam with PyTorch's defaults and the given learning rate.
     *
     * @param learningRate step size, > 0
     * @return Adam with betas (0.9, 0.999), eps 1e-8 and no weight decay
     * @throws IllegalArgumentException if {@code learningRate} is not > 0
     */
    public static Adam withLearningRate(double learningRate) {
        return new Adam(learningRate, 0.9, 0.999, 1e-8, 0);
    }
}
