package org.vgg4j.core.optim;

import java.util.Objects;

/**
 * What a trainer needs besides the network: optimizer, loss, and the seed of its dropout masks.
 *
 * @param optimizer the optimizer
 * @param loss      the loss
 * @param seed      seed for the backend's random numbers (dropout)
 */
public record TrainingSpec(OptimizerSpec optimizer, LossSpec loss, long seed) {

    /**
     * Checks that the optimizer and the loss are given.
     *
     * @param optimizer the optimizer, not null
     * @param loss      the loss, not null
     * @param seed      seed for the backend's random numbers (dropout); any value
     * @throws NullPointerException if {@code optimizer} or {@code loss} is null
     */
    public TrainingSpec {
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(loss, "loss");
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
}
