package org.vgg4j.core.optim;

import java.util.List;

/**
 * An immutable optimizer configuration that every trainable backend implements with PyTorch's update rule.
 */
public sealed interface OptimizerSpec permits Adam, Sgd {

    /**
     * The step size.
     *
     * @return the learning rate, > 0
     */
    double learningRate();

    /**
     * L2 penalty added to each gradient as {@code weightDecay * parameter} (PyTorch's {@code weight_decay}).
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
