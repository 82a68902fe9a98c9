package org.vgg4j.core.config;

import org.vgg4j.core.optim.Adam;
import org.vgg4j.core.optim.AdamW;
import org.vgg4j.core.optim.OptimizerSpec;
import org.vgg4j.core.optim.Sgd;

/**
 * The optimizer part of a {@link RunConfig}: the update rule by name, its hyper-parameters, the learning-rate
 * schedule, gradient clipping and the classifier head's own learning rate; {@link #spec()} is the exact rule every
 * backend implements.
 *
 * @param name         {@value #ADAM}, {@value #ADAMW} or {@value #SGD}
 * @param learningRate (base) learning rate, > 0
 * @param momentum     SGD momentum in [0, 1) (recorded but unused by Adam and AdamW)
 * @param weightDecay  weight decay, >= 0: L2 for Adam and SGD, decoupled for AdamW
 * @param nesterov     SGD with Nesterov momentum (needs momentum > 0; false for Adam and AdamW)
 * @param clipNorm     largest global L2 norm of the gradients, >= 0 (0: no clipping)
 * @param schedule     the learning-rate schedule
 * @param headLearningRate the base learning rate of the head (the last linear layer's parameters) as a parameter
 *                     group of its own, which the schedule scales like {@code learningRate}; 0: the head trains at
 *                     {@code learningRate} like every other parameter
 */
public record OptimizerConfig(String name, double learningRate, double momentum, double weightDecay,
        boolean nesterov, double clipNorm, ScheduleConfig schedule, double headLearningRate) {

    /** Adam with PyTorch's betas (0.9, 0.999) and eps 1e-8. */
    public static final String ADAM = "adam";
    /** AdamW (decoupled weight decay) with PyTorch's betas (0.9, 0.999) and eps 1e-8. */
    public static final String ADAMW = "adamw";
    /** SGD with momentum, PyTorch's rule. */
    public static final String SGD = "sgd";

    /**
     * Checks the fields.
     *
     * @param name         {@value #ADAM}, {@value #ADAMW} or {@value #SGD}
     * @param learningRate learning rate, finite and > 0
     * @param momentum     SGD momentum, in [0, 1)
     * @param weightDecay  weight decay, finite and >= 0
     * @param nesterov     Nesterov momentum: only with {@value #SGD} and momentum > 0
     * @param clipNorm     largest global gradient norm, finite and >= 0
     * @param schedule     the learning-rate schedule, not null; its {@code minLr} at most {@code learningRate}
     * @param headLearningRate the head's base learning rate, finite and >= 0 (0: no group of its own)
     * @throws IllegalArgumentException naming the field that is out of range or does not fit the others
     */
    public OptimizerConfig {
        Checks.present(name, "optimizer.name");
        if (!name.equals(ADAM) && !name.equals(ADAMW) && !name.equals(SGD)) {
            throw new IllegalArgumentException("optimizer.name must be adam, adamw or sgd, got '" + name + "'");
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
        if (nesterov && !(name.equals(SGD) && momentum > 0)) {
            throw new IllegalArgumentException("optimizer.nesterov needs optimizer sgd with momentum > 0, got "
                    + name + " with momentum " + momentum);
        }
        if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
            throw new IllegalArgumentException("optimizer.clipNorm must be >= 0 and finite, got " + clipNorm);
        }
        Checks.present(schedule, "optimizer.schedule");
        if (schedule.minLr() > learningRate) {
            throw new IllegalArgumentException("optimizer.schedule.minLr must be <= optimizer.learningRate ("
                    + learningRate + "), got " + schedule.minLr());
        }
        if (!(headLearningRate >= 0) || Double.isInfinite(headLearningRate)) {
            throw new IllegalArgumentException("optimizer.headLearningRate must be >= 0 and finite (0: the head trains "
                    + "at optimizer.learningRate), got " + headLearningRate);
        }
    }

    /**
     * One learning rate for every parameter (no head group).
     *
     * @param name         {@value #ADAM}, {@value #ADAMW} or {@value #SGD}
     * @param learningRate learning rate, finite and > 0
     * @param momentum     SGD momentum, in [0, 1)
     * @param weightDecay  weight decay, finite and >= 0
     * @param nesterov     Nesterov momentum: only with {@value #SGD} and momentum > 0
     * @param clipNorm     largest global gradient norm, finite and >= 0
     * @param schedule     the learning-rate schedule, not null; its {@code minLr} at most {@code learningRate}
     * @throws IllegalArgumentException naming the field that is out of range or does not fit the others
     */
    public OptimizerConfig(String name, double learningRate, double momentum, double weightDecay, boolean nesterov,
            double clipNorm, ScheduleConfig schedule) {
        this(name, learningRate, momentum, weightDecay, nesterov, clipNorm, schedule, 0);
    }

    /**
     * Whether the head has a learning rate of its own.
     *
     * @return {@code headLearningRate > 0}
     */
    public boolean hasHeadLearningRate() {
        return headLearningRate > 0;
    }

    /**
     * The rule without Nesterov momentum, clipping or schedule (what checkpoints before format 5 were trained with).
     *
     * @param name         {@value #ADAM}, {@value #ADAMW} or {@value #SGD}
     * @param learningRate learning rate, finite and > 0
     * @param momentum     SGD momentum, in [0, 1)
     * @param weightDecay  weight decay, finite and >= 0
     * @throws IllegalArgumentException naming the field that is out of range
     */
    public OptimizerConfig(String name, double learningRate, double momentum, double weightDecay) {
        this(name, learningRate, momentum, weightDecay, false, 0, ScheduleConfig.constant(), 0);
    }

    /**
     * Adam, learning rate 0.001, momentum 0.9 recorded for SGD, no weight decay, constant rate, no clipping.
     *
     * @return the d2l chapter's optimizer settings
     */
    public static OptimizerConfig reference() {
        return new OptimizerConfig(ADAM, 0.001, 0.9, 0);
    }

    /**
     * The update rule.
     *
     * @return an {@link Adam} or {@link AdamW} (betas 0.9, 0.999, eps 1e-8) or an {@link Sgd} with these
     *         hyper-parameters
     */
    public OptimizerSpec spec() {
        return switch (name) {
            case ADAM -> new Adam(learningRate, 0.9, 0.999, 1e-8, weightDecay);
            case ADAMW -> new AdamW(learningRate, 0.9, 0.999, 1e-8, weightDecay);
            default -> new Sgd(learningRate, momentum, weightDecay, nesterov);
        };
    }

    /**
     * Tensors of state the rule keeps per parameter tensor (Adam and AdamW 2, SGD 1 with momentum, else 0).
     *
     * @return 0, 1 or 2
     */
    public int stateTensorsPerParameter() {
        return name.equals(SGD) ? (momentum > 0 ? 1 : 0) : 2;
    }
}
