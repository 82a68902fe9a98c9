package org.vgg4j.core.optim;

import java.util.List;

/**
 * AdamW (Loshchilov and Hutter) with PyTorch's {@code torch.optim.AdamW} rule and defaults: betas (0.9, 0.999), eps
 * 1e-8, weight decay 0.01, decoupled from the gradient: the weights shrink by {@code lr * weightDecay} before the
 * Adam step, which sees the plain gradient.
 *
 * <pre>
 * p *= 1 - lr * weightDecay
 * m = beta1 * m + (1 - beta1) * g;     v = beta2 * v + (1 - beta2) * g * g
 * p -= lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)
 * </pre>
 * {@code lr} is the scheduled rate of step {@code t} (see {@link LrSchedule}). Its state slots are named like
 * PyTorch's: {@code exp_avg} and {@code exp_avg_sq} (the same as {@link Adam}'s).
 */
public record AdamW(double learningRate, double beta1, double beta2, double epsilon, double weightDecay)
        implements OptimizerSpec {

    /**
     * Checks the hyper-parameters.
     *
     * @param learningRate step size, > 0
     * @param beta1        decay of the first-moment average, in [0, 1)
     * @param beta2        decay of the second-moment average, in [0, 1)
     * @param epsilon      added to the denominator for stability, > 0
     * @param weightDecay  decoupled weight decay, >= 0
     * @throws IllegalArgumentException listing all five values if one is out of range (or NaN)
     */
    public AdamW {
        if (!(learningRate > 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(epsilon > 0)
                || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("bad AdamW(lr=" + learningRate + ", betas=(" + beta1 + ", " + beta2
                    + "), eps=" + epsilon + ", weight_decay=" + weightDecay + ")");
        }
    }

    /** {@code exp_avg} and {@code exp_avg_sq}. */
    @Override
    public List<String> slotNames() {
        return List.of(Adam.EXP_AVG, Adam.EXP_AVG_SQ);
    }

    /**
     * AdamW with PyTorch's defaults and the given learning rate.
     *
     * @param learningRate step size, > 0
     * @return AdamW with betas (0.9, 0.999), eps 1e-8 and weight decay 0.01
     * @throws IllegalArgumentException if {@code learningRate} is not > 0
     */
    public static AdamW withLearningRate(double learningRate) {
        return new AdamW(learningRate, 0.9, 0.999, 1e-8, 0.01);
    }
}
