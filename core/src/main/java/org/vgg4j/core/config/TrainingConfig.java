package org.vgg4j.core.config;

import java.util.HashSet;
import java.util.List;
import org.vgg4j.core.optim.SoftmaxCrossEntropy;
import org.vgg4j.core.param.Initializer;

/**
 * The training-loop part of a {@link RunConfig}: batch size, how many epochs in all, the seed of everything random,
 * how the weights of a new run are drawn, the loss's label smoothing, when to stop early, where a fine-tuning run took its starting weights from, and which modules it
 * keeps frozen.
 *
 * @param batchSize     images per step, >= 1
 * @param epochs        total epochs of the run (a resumed run continues up to this number), >= 1
 * @param seed          seed of initialisation, shuffling and dropout
 * @param init          {@link Initializer} id: {@code torchvision} or {@code pytorch}; with {@code initFrom}, how the
 *                      tensors the source does not provide (a replaced head) are drawn
 * @param labelSmoothing label smoothing of the cross-entropy ({@link SoftmaxCrossEntropy}), in [0, 1)
 * @param earlyStopping when to stop before the last epoch ({@link EarlyStoppingConfig#off()}: never)
 * @param initFrom      the checkpoint or state dict ({@code .safetensors}) the run's weights were loaded from, as an
 *                      absolute path, or null for a run from scratch; since checkpoint format 5, as are the fields
 *                      below (older runs are from scratch with nothing frozen)
 * @param initFromSha256 the SHA-256 of the weights file {@code initFrom} loaded, null exactly when {@code initFrom} is
 * @param freeze        module prefixes of the {@code state_dict} names whose parameters are frozen ({@code features},
 *                      {@code classifier.0}), in the order given; empty when everything trains
 */
public record TrainingConfig(int batchSize, int epochs, long seed, String init, double labelSmoothing,
        EarlyStoppingConfig earlyStopping, String initFrom, String initFromSha256, List<String> freeze) {

    /**
     * Checks the fields and copies {@code freeze}.
     *
     * @param batchSize      images per step, >= 1
     * @param epochs         total epochs of the run, >= 1
     * @param seed           seed of initialisation, shuffling and dropout; any value
     * @param init           an {@link Initializer} id or enum name, not null
     * @param labelSmoothing label smoothing of the cross-entropy, in [0, 1)
     * @param earlyStopping  when to stop early, not null
     * @param initFrom       the weights' source, or null
     * @param initFromSha256 64 lower-case hexadecimal digits with {@code initFrom}, null without
     * @param freeze         module prefixes, not null, each non-empty, no duplicates
     * @throws IllegalArgumentException naming the field, if {@code batchSize} or {@code epochs} is below 1,
     *                                  {@code init} is null or names no {@link Initializer}, {@code initFromSha256}
     *                                  is not a SHA-256 or is given without {@code initFrom} (or missing with it), or
     *                                  {@code freeze} is null, holds an empty or blank prefix or one twice, or
     *                                  {@code earlyStopping} is null, or {@code labelSmoothing} is outside [0, 1)
     */
    public TrainingConfig {
        Checks.positive("training.batchSize", batchSize);
        Checks.positive("training.epochs", epochs);
        Checks.present(init, "training.init");
        Initializer.byName(init);
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new IllegalArgumentException("training.labelSmoothing must be >= 0 and < 1, got " + labelSmoothing);
        }
        Checks.present(earlyStopping, "training.earlyStopping");
        if ((initFrom == null) != (initFromSha256 == null)) {
            throw new IllegalArgumentException("training.initFromSha256 must be given exactly when training.initFrom "
                    + "is, got " + (initFrom == null ? "a checksum without a source" : "a source without a checksum"));
        }
        if (initFrom != null && initFrom.isBlank()) {
            throw new IllegalArgumentException("training.initFrom must not be empty");
        }
        if (initFromSha256 != null && !initFromSha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("training.initFromSha256 must be 64 lower-case hexadecimal digits, got '"
                    + initFromSha256 + "'");
        }
        Checks.present(freeze, "training.freeze");
        HashSet<String> seen = new HashSet<>();
        for (String prefix : freeze) {
            if (prefix == null || prefix.isBlank() || !prefix.strip().equals(prefix)) {
                throw new IllegalArgumentException("training.freeze holds an empty or padded module prefix: " + freeze);
            }
            if (!seen.add(prefix)) {
                throw new IllegalArgumentException("training.freeze names '" + prefix + "' twice");
            }
        }
        freeze = List.copyOf(freeze);
    }

    /**
     * A run from scratch with nothing frozen.
     *
     * @param batchSize images per step, >= 1
     * @param epochs    total epochs of the run, >= 1
     * @param seed      seed of initialisation, shuffling and dropout; any value
     * @param init      an {@link Initializer} id or enum name, not null
     * @throws IllegalArgumentException as the canonical constructor
     */
    public TrainingConfig(int batchSize, int epochs, long seed, String init) {
        this(batchSize, epochs, seed, init, 0);
    }

    /**
     * A run from scratch with nothing frozen, no early stopping, and this label smoothing.
     *
     * @param batchSize      images per step, >= 1
     * @param epochs         total epochs of the run, >= 1
     * @param seed           seed of initialisation, shuffling and dropout; any value
     * @param init           an {@link Initializer} id or enum name, not null
     * @param labelSmoothing label smoothing of the cross-entropy, in [0, 1)
     * @throws IllegalArgumentException as the canonical constructor
     */
    public TrainingConfig(int batchSize, int epochs, long seed, String init, double labelSmoothing) {
        this(batchSize, epochs, seed, init, labelSmoothing, EarlyStoppingConfig.off(), null, null, List.of());
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
        return new TrainingConfig(batchSize, n, seed, init, labelSmoothing, earlyStopping, initFrom, initFromSha256,
                freeze);
    }

    /**
     * The same, fine-tuned: weights loaded from {@code source} (whose weights file has SHA-256 {@code sha256}) and the
     * modules {@code prefixes} frozen.
     *
     * @param source   the weights' source as an absolute path, or null for none
     * @param sha256   its weights file's SHA-256, null exactly when {@code source} is
     * @param prefixes module prefixes to freeze, not null
     * @return a copy differing only in {@code initFrom}, {@code initFromSha256} and {@code freeze}
     * @throws IllegalArgumentException as the canonical constructor
     */
    public TrainingConfig withFineTuning(String source, String sha256, List<String> prefixes) {
        return new TrainingConfig(batchSize, epochs, seed, init, labelSmoothing, earlyStopping, source, sha256,
                prefixes);
    }

    /**
     * The same with other early-stopping settings.
     *
     * @param stopping the new settings, not null
     * @return a copy differing only in {@code earlyStopping}
     */
    public TrainingConfig withEarlyStopping(EarlyStoppingConfig stopping) {
        return new TrainingConfig(batchSize, epochs, seed, init, labelSmoothing, stopping, initFrom, initFromSha256,
                freeze);
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
