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
 */
public record TrainingConfig(int batchSize, int epochs, long seed, String init) {

    public TrainingConfig {
        Checks.positive("training.batchSize", batchSize);
        Checks.positive("training.epochs", epochs);
        Checks.present(init, "training.init");
        Initializer.byName(init);
    }

    /** The d2l chapter's run: batch 64, 5 epochs, seed 42, torchvision's initialisation. */
    public static TrainingConfig reference() {
        return new TrainingConfig(64, 5, 42, Initializer.TORCHVISION_VGG.id());
    }

    /** The same with {@code n} epochs in all. */
    public TrainingConfig withEpochs(int n) {
        return new TrainingConfig(batchSize, n, seed, init);
    }

    /** The initializer named by {@link #init}. */
    public Initializer initializer() {
        return Initializer.byName(init);
    }
}
