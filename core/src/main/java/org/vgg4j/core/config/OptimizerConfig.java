package org.vgg4j.core.config;

import org.vgg4j.core.optim.Adam;
import org.vgg4j.core.optim.OptimizerSpec;
import org.vgg4j.core.optim.Sgd;

/**
 * The optimizer part of a {@link RunConfig}: the update rule by name and its hyper-parameters; {@link #spec()} is the
 * exact rule every backend implements.
 *
 * @param name         {@value #ADAM} or {@value #SGD}
 * @param learningRate learning rate, > 0
 * @param momentum     SGD momentum in [0, 1) (recorded but unused by Adam)
 * @param weightDecay  L2 weight decay, >= 0
 */
public record OptimizerConfig(String name, double learningRate, double momentum, double weightDecay) {

    /** Adam with PyTorch's betas (0.9, 0.999) and eps 1e-8. */
    public static final String ADAM = "adam";
    /** SGD with momentum, PyTorch's rule. */
    public static final String SGD = "sgd";

    /**
     * Checks the fields.
     *
     * @param name         {@value #ADAM} or {@value #SGD}
     * @param learningRate learning rate, finite and > 0
     * @param momentum     SGD momentum, in [0, 1)
     * @param weightDecay  L2 weight decay, finite and >= 0
     * @throws IllegalArgumentException naming the field, if {@code name} is not {@value #ADAM} or {@value #SGD},
     *                                  {@code learningRate} is not finite and > 0, {@code momentum} is outside
     *                                  [0, 1), or {@code weightDecay} is not finite and >= 0
     */
    public OptimizerConfig {
        Checks.present(name, "optimizer.name");
        if (!name.equals(ADAM) && !name.equals(SGD)) {
            throw new IllegalArgumentException("optimizer.name must be adam or sgd, got '" + name + "'");
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("optimizer.learningRate must be > 0 and finite, got " + learningRate);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("optimizer.momentum must be >= 0 and < 1, got " + momentum);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("optimizer.weightDecay must be >= 0 and finite, got " + weightDecay);
        }
    }

    /**
     * Adam, learning rate 0.001, momentum 0.9 recorded for SGD, no weight decay.
     *
     * @return the d2l chapter's optimizer settings
     */
    public static OptimizerConfig reference() {
        return new OptimizerConfig(ADAM, 0.001, 0.9, 0);
    }

    /**
     * The update rule.
     *
     * @return an {@link Adam} (betas 0.9, 0.999, eps 1e-8) or an {@link Sgd} with these hyper-parameters
     */
    public OptimizerSpec spec() {
        return name.equals(ADAM) ? new Adam(learningRate, 0.9, 0.999, 1e-8, weightDecay)
                : new Sgd(learningRate, momentum, weightDecay);
    }

    /**
     * Tensors of state the rule keeps per parameter tensor (Adam 2, SGD 1 with momentum, else 0).
     *
     * @return 0, 1 or 2
     */
    public int stateTensorsPerParameter() {
        return name.equals(ADAM) ? 2 : momentum > 0 ? 1 : 0;
    }
}
