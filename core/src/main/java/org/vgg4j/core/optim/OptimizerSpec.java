package org.vgg4j.core.optim;

import java.util.List;

/**
 * An immutable optimizer configuration that every trainable backend implements with PyTorch's update rule.
 */
public sealed interface OptimizerSpec permits Adam, AdamW, Sgd {

    /**
     * The base step size, which a {@link LrSchedule} scales step by step.
     *
     * @return the learning rate, > 0
     */
    double learningRate();

    /**
     * The weight decay, PyTorch's {@code weight_decay}: an L2 penalty added to each gradient as
     * {@code weightDecay * parameter} for {@link Adam} and {@link Sgd}, decoupled from it for {@link AdamW}.
     *
     * @return the weight decay, >= 0 (0 for none)
     */
    double weightDecay();

    /**
     * The names of its per-parameter state slots, as PyTorch names them (empty for a stateless rule).
     *
     * @return an immutable list of slot names, in a fixed order
     */
    List<String> slotNames();
}
