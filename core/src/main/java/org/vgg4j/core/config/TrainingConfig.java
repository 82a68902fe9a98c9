package org.vgg4j.core.config;

import org.vgg4j.core.optim.SoftmaxCrossEntropy;
import org.vgg4j.core.param.Initializer;

/**
 * The training-loop part of a {@link RunConfig}: batch size, how many epochs in all, the seed of everything random,
 * how the weights of a new run are drawn, and the loss's label smoothing.
 *
 * @param batchSize      images per step, >= 1
 * @param epochs         total epochs of the run (a resumed run continues up to this number), >= 1
 * @param seed           seed of initialisation, shuffling and dropout
 * @param init           {@link Initializer} id: {@code torchvision} or {@code pytorch}
 * @param labelSmoothing label smoothing of the cross-entropy ({@link SoftmaxCrossEntropy}), in [0, 1)
 */
public record TrainingConfig(int batchSize, int epochs, long seed, String init, double labelSmoothing) {

    /**
     * Checks the fields.
     *
     * @param batchSize images per step, >= 1
     * @param epochs    total epochs of the run, >= 1
     * @param seed      seed of initialisation, shuffling and dropout; any value
     * @param init      an {@link Initializer} id or enum name, not null
     * @param labelSmoothing label smoothing of the cross-entropy, in [0, 1)
     * @throws IllegalArgumentException naming the field, if {@code batchSize} or {@code epochs} is below 1,
     *                                  {@code init} is null or names no {@link Initializer}, or
     *                                  {@code labelSmoothing} is outside [0, 1)
     */
    public TrainingConfig {
        Checks.positive("training.batchSize", batchSize);
        Checks.positive("training.epochs", epochs);
        Checks.present(init, "training.init");
        Initializer.byName(init);
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new IllegalArgumentException("training.labelSmoothing must be >= 0 and < 1, got " + labelSmoothing);
        }
    }

    /**
     * Without label smoothing (what checkpoints before format 5 were trained with).
     *
     * @param batchSize images per step, >= 1
     * @param epochs    total epochs of the run, >= 1
     * @param seed      seed of initialisation, shuffling and dropout; any value
     * @param init      an {@link Initializer} id or enum name, not null
     * @throws IllegalArgumentException naming the field, if {@code batchSize} or {@code epochs} is below 1, or
     *                                  {@code init} is null or names no {@link Initializer}
     */
    public TrainingConfig(int batchSize, int epochs, long seed, String init) {
        this(batchSize, epochs, seed, init, 0);
    }

    /**
     * The d2l chapter's run: batch 64, 5 epochs, seed 42, torchvision's initialisation.
     *
     * @return the reference training section
     */
    public static TrainingConfig reference() {
        return new TrainingConfig(64, 5, 42, Initializer.TORCHVISION_VGG.id());
    }

    /**
     * The same with {@code n} epochs in all.
     *
     * @param n total epochs, >= 1
     * @return a copy differing only in {@code epochs}
     * @throws IllegalArgumentException if {@code n} is below 1
     */
    public TrainingConfig withEpochs(int n) {
        return new TrainingConfig(batchSize, n, seed, init, labelSmoothing);
    }

    /**
     * The initializer named by {@link #init}.
     *
     * @return the initializer, never null (the constructor checked the name)
     */
    public Initializer initializer() {
        return Initializer.byName(init);
    }

    /**
     * The loss these settings describe.
     *
     * @return softmax cross-entropy with {@link #labelSmoothing}
     */
    public SoftmaxCrossEntropy loss() {
        return new SoftmaxCrossEntropy(labelSmoothing);
    }
}
