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

    public TrainingSpec {
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(loss, "loss");
    }

    /** Adam with PyTorch's defaults at {@code learningRate}, softmax cross-entropy. */
    public static TrainingSpec adam(double learningRate, long seed) {
        return new TrainingSpec(Adam.withLearningRate(learningRate), new SoftmaxCrossEntropy(), seed);
    }
}
