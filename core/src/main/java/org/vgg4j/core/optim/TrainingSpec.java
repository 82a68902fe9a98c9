package org.vgg4j.core.optim;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a trainer needs besides the network: optimizer, loss, the seed of its dropout masks, the learning-rate
 * schedule and gradient-norm clipping. Every trainable backend applies one update the same way, in
 * {@code step} and {@code applyGradients} alike: the gradients of all trainable parameters are clipped as a whole
 * ({@link #clipCoefficient}), then the optimizer's rule runs on each parameter with that parameter's learning rate
 * of the step, {@link #learningRate(String, long)}.
 *
 * <p>Parameter groups work like a PyTorch optimizer's {@code param_groups}: a parameter named in
 * {@code groupLearningRates} has that base rate instead of the optimizer's ({@code [{'params': head, 'lr': 0.01},
 * {'params': rest}]}), and the schedule scales every group's base rate the same way (for {@link LrSchedule.OneCycle}
 * each group's base rate is its {@code max_lr}); everything else of the rule (weight decay, betas, momentum) is
 * the optimizer's for every group.
 *
 * @param optimizer          the optimizer
 * @param loss               the loss
 * @param seed               seed for the backend's random numbers (dropout)
 * @param schedule           the learning-rate schedule over each group's base learning rate
 * @param clipNorm           the largest global L2 norm of the gradients (0: no clipping)
 * @param groupLearningRates parameter name to its base learning rate, for parameters whose rate is not the
 *                           optimizer's (empty: one group)
 */
public record TrainingSpec(OptimizerSpec optimizer, LossSpec loss, long seed, LrSchedule schedule, double clipNorm,
        Map<String, Double> groupLearningRates) {

    /** Added to the gradient norm before dividing, as {@code torch.nn.utils.clip_grad_norm_} does. */
    public static final double CLIP_EPSILON = 1e-6;

    /**
     * Checks that the optimizer, the loss and the schedule are given, the clipping norm is in range and every group
     * rate is a positive finite number; copies the group rates (in their given order).
     *
     * @param optimizer          the optimizer, not null
     * @param loss               the loss, not null
     * @param seed               seed for the backend's random numbers (dropout); any value
     * @param schedule           the learning-rate schedule, not null
     * @param clipNorm           the largest global L2 norm of the gradients, finite and >= 0 (0: no clipping)
     * @param groupLearningRates parameter name to base learning rate (each > 0 and finite), not null; names that
     *                           are not trainable parameters of the network are ignored by the trainers
     * @throws NullPointerException     if {@code optimizer}, {@code loss}, {@code schedule} or
     *                                  {@code groupLearningRates} (or one of its names or rates) is null
     * @throws IllegalArgumentException if {@code clipNorm} is negative, infinite or NaN, or naming a group rate that
     *                                  is not > 0 and finite
     */
    public TrainingSpec {
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(schedule, "schedule");
        if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
            throw new IllegalArgumentException("clipNorm must be >= 0 and finite (0: no clipping), got " + clipNorm);
        }
        Objects.requireNonNull(groupLearningRates, "groupLearningRates");
        Map<String, Double> copy = new LinkedHashMap<>();
        groupLearningRates.forEach((name, rate) -> {
            Objects.requireNonNull(name, "groupLearningRates name");
            Objects.requireNonNull(rate, "groupLearningRates rate");
            if (!(rate > 0) || Double.isInfinite(rate)) {
                throw new IllegalArgumentException("the learning rate of parameter " + name + " must be > 0 and "
                        + "finite, got " + rate);
            }
            copy.put(name, rate);
        });
        groupLearningRates = java.util.Collections.unmodifiableMap(copy);
    }

    /**
     * One parameter group: every parameter at the optimizer's learning rate.
     *
     * @param optimizer the optimizer, not null
     * @param loss      the loss, not null
     * @param seed      seed for the backend's random numbers (dropout); any value
     * @param schedule  the learning-rate schedule, not null
     * @param clipNorm  the largest global L2 norm of the gradients, finite and >= 0 (0: no clipping)
     * @throws NullPointerException     if {@code optimizer}, {@code loss} or {@code schedule} is null
     * @throws IllegalArgumentException if {@code clipNorm} is negative, infinite or NaN
     */
    public TrainingSpec(OptimizerSpec optimizer, LossSpec loss, long seed, LrSchedule schedule, double clipNorm) {
        this(optimizer, loss, seed, schedule, clipNorm, Map.of());
    }

    /**
     * This spec with the parameters {@code names} in a group of base learning rate {@code rate} (replacing any
     * groups it had).
     *
     * @param names the parameter names ({@code fc.4.weight}), not null
     * @param rate  their base learning rate, > 0 and finite
     * @return the spec with that group
     * @throws IllegalArgumentException if {@code rate} is not > 0 and finite
     */
    public TrainingSpec withGroup(Iterable<String> names, double rate) {
        Map<String, Double> rates = new LinkedHashMap<>();
        for (String name : names) {
            rates.put(name, rate);
        }
        return new TrainingSpec(optimizer, loss, seed, schedule, clipNorm, rates);
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
     * The base learning rate of the parameter {@code parameter}: its group's, else the optimizer's.
     *
     * @param parameter the parameter's full name
     * @return its rate before the schedule, > 0
     */
    public double baseLearningRate(String parameter) {
        return groupLearningRates.getOrDefault(parameter, optimizer.learningRate());
    }

    /**
     * The learning rate of the parameter {@code parameter} at update step {@code step}: the schedule applied to its
     * {@link #baseLearningRate(String) base rate}, as a PyTorch scheduler sets each group's rate.
     *
     * @param parameter the parameter's full name
     * @param step      the 1-based number of the update, >= 1
     * @return the learning rate of that parameter in that update
     * @throws IllegalArgumentException if {@code step} is below 1
     */
    public double learningRate(String parameter, long step) {
        return schedule.learningRate(baseLearningRate(parameter), step);
    }

    /**
     * Whether some parameter has a base rate other than the optimizer's (so a backend needs per-parameter rates).
     *
     * @return true if a group rate differs from {@link OptimizerSpec#learningRate()}
     */
    public boolean hasGroups() {
        double base = optimizer.learningRate();
        return groupLearningRates.values().stream().anyMatch(r -> r != base);
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
