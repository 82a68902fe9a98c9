package org.vgg4j.core.optim;

import java.util.Objects;

/**
 * What a trainer needs besides the network: optimizer, loss, the seed of its dropout masks, the learning-rate
 * schedule and gradient-norm clipping. Every trainable backend applies one update the same way, in
 * {@code step} and {@code applyGradients} alike: the gradients of all trainable parameters are clipped as a whole
 * ({@link #clipCoefficient}), then the optimizer's rule runs with the learning rate {@link #learningRate(long)} of
 * the step.
 *
 * @param optimizer the optimizer
 * @param loss      the loss
 * @param seed      seed for the backend's random numbers (dropout)
 * @param schedule  the learning-rate schedule over the optimizer's learning rate
 * @param clipNorm  the largest global L2 norm of the gradients (0: no clipping)
 */
public record TrainingSpec(OptimizerSpec optimizer, LossSpec loss, long seed, LrSchedule schedule, double clipNorm) {

    /** Added to the gradient norm before dividing, as {@code torch.nn.utils.clip_grad_norm_} does. */
    public static final double CLIP_EPSILON = 1e-6;

    /**
     * Checks that the optimizer, the loss and the schedule are given and the clipping norm is in range.
     *
     * @param optimizer the optimizer, not null
     * @param loss      the loss, not null
     * @param seed      seed for the backend's random numbers (dropout); any value
     * @param schedule  the learning-rate schedule, not null
     * @param clipNorm  the largest global L2 norm of the gradients, finite and >= 0 (0: no clipping)
     * @throws NullPointerException     if {@code optimizer}, {@code loss} or {@code schedule} is null
     * @throws IllegalArgumentException if {@code clipNorm} is negative, infinite or NaN
     */
    public TrainingSpec {
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(schedule, "schedule");
        if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
            throw new IllegalArgumentException("clipNorm must be >= 0 and finite (0: no clipping), got " + clipNorm);
        }
    }

    /**
     * A constant learning rate without clipping.
     *
     * @param optimizer the optimizer, not null
     * @param loss      the loss, not null
     * @param seed      seed for the backend's random numbers (dropout); any value
     * @throws NullPointerException if {@code optimizer} or {@code loss} is null
     */
    public TrainingSpec(OptimizerSpec optimizer, LossSpec loss, long seed) {
        this(optimizer, loss, seed, LrSchedule.constant(), 0);
    }

    /**
     * Adam with PyTorch's defaults at {@code learningRate}, softmax cross-entropy.
     *
     * @param learningRate Adam's step size, > 0
     * @param seed         seed of the dropout masks
     * @return the training spec
     * @throws IllegalArgumentException if {@code learningRate} is not > 0
     */
    public static TrainingSpec adam(double learningRate, long seed) {
        return new TrainingSpec(Adam.withLearningRate(learningRate), new SoftmaxCrossEntropy(), seed);
    }

    /**
     * The learning rate of update step {@code step}: the schedule applied to the optimizer's learning rate.
     *
     * @param step the 1-based number of the update, >= 1
     * @return the learning rate of that update
     * @throws IllegalArgumentException if {@code step} is below 1
     */
    public double learningRate(long step) {
        return schedule.learningRate(optimizer.learningRate(), step);
    }

    /**
     * The factor by which every gradient is multiplied before the update, PyTorch's {@code clip_grad_norm_} rule:
     * {@code min(1, clipNorm / (norm + 1e-6))}, and exactly 1 without clipping.
     *
     * @param globalNorm the L2 norm of all trainable gradients taken together, {@code sqrt(sum of g^2)}
     * @return the factor, in [0, 1]; 1 (no change) when {@code clipNorm} is 0 or the norm is within it
     */
    public double clipCoefficient(double globalNorm) {
        if (clipNorm == 0) {
            return 1;
        }
        return Math.min(1, clipNorm / (globalNorm + CLIP_EPSILON));
    }

    /**
     * Whether gradients are clipped at all (so a backend can skip computing their norm).
     *
     * @return {@code clipNorm > 0}
     */
    public boolean clips() {
        return clipNorm > 0;
    }

    /**
     * The label smoothing of the loss.
     *
     * @return the loss's {@link SoftmaxCrossEntropy#labelSmoothing()}
     */
    public double labelSmoothing() {
        return ((SoftmaxCrossEntropy) loss).labelSmoothing();
    }
}
