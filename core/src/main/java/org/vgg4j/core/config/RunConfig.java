package org.vgg4j.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Everything that defines a training run and must stay the same when it resumes: the model, the data, the optimizer
 * and the training loop. The command line builds one, every checkpoint stores it (as versioned JSON, see
 * {@link RunConfigJson}), and {@link #differences} compares two field by field, so a resume can refuse options that
 * contradict its checkpoint.
 *
 * <p>To add a setting (a layout, a schedule): add a component to the section record it belongs to (or a new section
 * here), map it to the option that sets it in the CLI's {@code TrainCommand.OPTION_OF_FIELD} (a test fails until
 * then), raise {@code CheckpointStore.FORMAT_VERSION}, and in {@code CheckpointStore.readManifest} give the
 * configuration of older manifests the setting's value they were trained with (as the upgrade of version 1 does):
 * reading is strict, so an older vgg4j refuses a checkpoint with a setting it does not know instead of ignoring it.
 *
 * @param model     the network
 * @param data      the data set and subsets
 * @param optimizer the update rule
 * @param training  batch, epochs, seed, initialisation
 */
public record RunConfig(ModelConfig model, DataConfig data, OptimizerConfig optimizer, TrainingConfig training) {

    /**
     * Checks that every section is present.
     *
     * @param model     the network, not null
     * @param data      the data set and subsets, not null
     * @param optimizer the update rule, not null
     * @param training  batch, epochs, seed, initialisation, not null
     * @throws IllegalArgumentException naming the section that is null
     */
    public RunConfig {
        Checks.present(model, "model");
        Checks.present(data, "data");
        Checks.present(optimizer, "optimizer");
        Checks.present(training, "training");
    }

    /**
     * The d2l chapter's reference run (what {@code vgg4j train} does with no options).
     *
     * @return the reference model, data, optimizer and training sections
     */
    public static RunConfig reference() {
        return new RunConfig(ModelConfig.reference(), DataConfig.reference(), OptimizerConfig.reference(),
                TrainingConfig.reference());
    }

    /**
     * The same run with {@code n} epochs in all.
     *
     * @param n total epochs, >= 1
     * @return a copy differing only in {@code training.epochs}
     * @throws IllegalArgumentException if {@code n} is below 1
     */
    public RunConfig withEpochs(int n) {
        return new RunConfig(model, data, optimizer, training.withEpochs(n));
    }

    /**
     * The same run with other early-stopping settings (a resume may change them, as it may change the epochs).
     *
     * @param stopping the new settings, not null
     * @return a copy differing only in {@code training.earlyStopping}
     */
    public RunConfig withEarlyStopping(EarlyStoppingConfig stopping) {
        return new RunConfig(model, data, optimizer, training.withEarlyStopping(stopping));
    }

    /**
     * Every field in which {@code other} differs from this configuration, by dotted path ({@code model.imageSize}),
     * in path order.
     *
     * @param other the configuration to compare with, not null
     * @return the differing fields, sorted by path; empty if the two are equal
     */
    public List<ConfigDifference> differences(RunConfig other) {
        Map<String, String> mine = RunConfigJson.flatten(this);
        Map<String, String> theirs = RunConfigJson.flatten(other);
        TreeSet<String> paths = new TreeSet<>(mine.keySet());
        paths.addAll(theirs.keySet());
        List<ConfigDifference> out = new ArrayList<>();
        for (String path : paths) {
            String a = mine.get(path);
            String b = theirs.get(path);
            if (!Objects.equals(a, b)) {
                out.add(new ConfigDifference(path, a, b));
            }
        }
        return out;
    }
}
