package org.vgg4j.core.config;

import org.vgg4j.core.param.Initializer;

/**
 * The training-loop part of a {@link RunConfig}: batch size, how many epochs in all, the seed of everything random,
 * and how the weights of a new run are drawn.
 *
 * @param batchSize images per step, >= 1
 * @param epochs    total epochs of the run (a resumed run continues up to this number), >= 1
 * @param seed      seed of initialisation, shuffling and dropout
 * @param init      {@link Initializer} id: {@code torchvision} or {@code pytorch}
 * @param earlyStopping when to stop before the last epoch ({@link EarlyStoppingConfig#off()}: never)
 */
public record TrainingConfig(int batchSize, int epochs, long seed, String init, EarlyStoppingConfig earlyStopping) {

    /**
     * Checks the fields.
     *
     * @param batchSize images per step, >= 1
     * @param epochs    total epochs of the run, >= 1
     * @param seed      seed of initialisation, shuffling and dropout; any value
     * @param init      an {@link Initializer} id or enum name, not null
     * @param earlyStopping when to stop early, not null
     * @throws IllegalArgumentException naming the field, if {@code batchSize} or {@code epochs} is below 1, or
     *                                  {@code init} is null or names no {@link Initializer}, or
     *                                  {@code earlyStopping} is null
     */
    public TrainingConfig {
        Checks.positive("training.batchSize", batchSize);
        Checks.positive("training.epochs", epochs);
        Checks.present(init, "training.init");
        Initializer.byName(init);
        Checks.present(earlyStopping, "training.earlyStopping");
    }

    /**
     * A training section without early stopping.
     *
     * @param batchSize images per step, >= 1
     * @param epochs    total epochs of the run, >= 1
     * @param seed      seed of initialisation, shuffling and dropout; any value
     * @param init      an {@link Initializer} id or enum name, not null
     * @throws IllegalArgumentException as the canonical constructor
     */
    public TrainingConfig(int batchSize, int epochs, long seed, String init) {
        this(batchSize, epochs, seed, init, EarlyStoppingConfig.off());
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
        return new TrainingConfig(batchSize, n, seed, init, earlyStopping);
    }

    /**
     * The same with other early-stopping settings.
     *
     * @param stopping the new settings, not null
     * @return a copy differing only in {@code earlyStopping}
     */
    public TrainingConfig withEarlyStopping(EarlyStoppingConfig stopping) {
        return new TrainingConfig(batchSize, epochs, seed, init, stopping);
    }

    /**
     * The initializer named by {@link #init}.
     *
     * @return the initializer, never null (the constructor checked the name)
     */
    public Initializer initializer() {
        return Initializer.byName(init);
    }
}
