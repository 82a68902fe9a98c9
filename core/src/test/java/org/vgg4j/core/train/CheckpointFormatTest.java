package org.vgg4j.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.Vgg4jException;
import org.vgg4j.core.config.EarlyStoppingConfig;
import org.vgg4j.core.config.ModelConfig;
import org.vgg4j.core.config.OptimizerConfig;
import org.vgg4j.core.config.RunConfig;
import org.vgg4j.core.config.ScheduleConfig;
import org.vgg4j.core.optim.OptimizerState;
import org.vgg4j.core.param.Parameters;

/**
 * The checkpoint manifest's format versions (1 upgraded when read, 2 written, newer ones refused with a clear error),
 * its typed configuration, and which files count as a checkpoint: only those named like one, so a stray file in the
 * checkpoint directory cannot make a run unloadable, and a failed save leaves no weights without a manifest.
 */
class CheckpointFormatTest {
    @TempDir
    Path dir;
    private final ObjectMapper json = new ObjectMapper();
    private final Parameters weights = Parameters.of(Map.of("w", Tensor.of(Shape.of(2, 3),
            new float[] {1, 2, 3, 4, 5, 6})));
    private final RunConfig config = RunConfig.reference();
    private Path manifest;

    @BeforeEach
    void save() {
        manifest = new CheckpointStore(dir).save("epoch-001", checkpoint(config, TrainingPosition.startOf(1)));
    }

    private Checkpoint checkpoint(RunConfig c, TrainingPosition p) {
        return new Checkpoint(c, "reference", p, List.of(new EpochMetrics(1, 0.5, 0.8, 0.6, 0.7, 1.5, 40)), weights,
                new OptimizerState(3, Map.of("exp_avg", weights)));
    }

    @Test
    void writesVersionFiveWithTheTypedConfiguration() throws IOException {
        JsonNode m = json.readTree(manifest.toFile());
        assertThat(m.get("formatVersion").asInt()).isEqualTo(CheckpointStore.FORMAT_VERSION).isEqualTo(5);
        assertThat(m.get("config").get("data").get("augment").asText()).isEqualTo("none");
        assertThat(m.get("config").get("data").get("cropPadding").isNull()).isTrue();
        JsonNode stopping = m.get("config").get("training").get("earlyStopping");
        assertThat(stopping.get("patience").asInt()).isZero();
        assertThat(stopping.get("metric").asText()).isEqualTo("val-accuracy");
        assertThat(stopping.get("minDelta").asDouble()).isZero();
        assertThat(m.get("config").get("training").get("initFrom").isNull()).isTrue();
        assertThat(m.get("config").get("training").get("initFromSha256").isNull()).isTrue();
        assertThat(m.get("config").get("training").get("freeze").isArray()).isTrue();
        assertThat(m.get("config").get("training").get("freeze")).isEmpty();
        assertThat(m.get("config").get("optimizer").get("schedule").get("name").asText()).isEqualTo("constant");
        assertThat(m.get("config").get("optimizer").get("clipNorm").asDouble()).isZero();
        assertThat(m.get("config").get("optimizer").get("nesterov").asBoolean()).isFalse();
        assertThat(m.get("config").get("training").get("labelSmoothing").asDouble()).isZero();
        assertThat(m.get("config").get("data").get("folder").isNull()).isTrue();
        assertThat(m.get("config").get("data").get("classNames").isNull()).isTrue();
        assertThat(m.get("config").get("model").get("batchNorm").asBoolean()).isFalse();
        assertThat(m.get("config").get("model").get("layout").asText()).isEqualTo("d2l");
        assertThat(m.get("config").get("model").get("imageSize").asInt()).isEqualTo(224);
        assertThat(m.get("config").get("data").get("trainLimit").isNull()).isTrue();
        assertThat(CheckpointStore.load(manifest).config()).isEqualTo(config);
    }

    @Test
    void versionOneManifestsAreUpgradedWhenRead() throws IOException {
        // The layout vgg4j wrote before the typed configuration: formatVersion 1 and a flat map of strings.
        ObjectNode m = (ObjectNode) json.readTree(manifest.toFile());
        m.put("formatVersion", 1);
        ObjectNode legacy = m.putObject("config");
        Map.of("model", "vgg16", "ratio", "4", "image_size", "64", "hidden", "512", "dropout", "0.0",
                "in_channels", "1", "classes", "10", "train_limit", "2000", "test_limit", "-1", "lr", "0.01")
                .forEach(legacy::put);
        Files.writeString(manifest, json.writerWithDefaultPrettyPrinter().writeValueAsString(m));
        RunConfig read = CheckpointStore.load(manifest).config();
        assertThat(read.model()).isEqualTo(new ModelConfig("vgg", "vgg16", 4, 1, 64, 10, 512, 0.0, false, "d2l"));
        assertThat(read.data().trainLimit()).isEqualTo(2000);
        assertThat(read.data().testLimit()).isNull();
        assertThat(read.optimizer().learningRate()).isEqualTo(0.01);
        assertThat(read.training()).isEqualTo(config.training());
        legacy.remove("ratio");
        Files.writeString(manifest, json.writeValueAsString(m));
        assertThatThrownBy(() -> CheckpointStore.load(manifest)).isInstanceOf(Vgg4jException.class)
                .hasMessageContaining("epoch-001.json is not a valid vgg4j checkpoint manifest (format version 1): "
                        + "configuration lacks 'ratio'");
    }

    @Test
    void versionTwoManifestsAreUpgradedToD2lWithoutBatchNorm() throws IOException {
        // Version 2's model had no batchNorm and layout: every such network was d2l without batch norm.
        ObjectNode m = (ObjectNode) json.readTree(manifest.toFile());
        m.put("formatVersion", 2);
        removeVersionFiveFields(m);
        ObjectNode model = (ObjectNode) m.get("config").get("model");
        model.remove("batchNorm");
        model.remove("layout");
        ObjectNode data = (ObjectNode) m.get("config").get("data");
        for (String f : List.of("folder", "valSplit", "allowEmptyClasses", "skipBadImages", "classNames")) {
            data.remove(f); // nor version 3's image-folder fields
        }
        Files.writeString(manifest, json.writerWithDefaultPrettyPrinter().writeValueAsString(m));
        assertThat(CheckpointStore.load(manifest).config()).isEqualTo(config);
        assertThat(CheckpointStore.readManifest(manifest).formatVersion()).isEqualTo(5);
        model.put("layout", "torchvision");
        Files.writeString(manifest, json.writeValueAsString(m));
        assertThatThrownBy(() -> CheckpointStore.load(manifest))
                .hasMessageContaining("(format version 2): unknown field 'config.model.layout'");
        model.remove("layout");
        m.put("formatVersion", 3);
        Files.writeString(manifest, json.writeValueAsString(m));
        assertThatThrownBy(() -> CheckpointStore.load(manifest))
                .hasMessageContaining("(format version 3): ").hasMessageContaining("batchNorm");
    }

    @Test
    void versionThreeManifestsAreUpgradedToABuiltInDataSet() throws IOException {
        // Version 3's data had no image-folder fields: every such run trained on a built-in data set.
        ObjectNode m = (ObjectNode) json.readTree(manifest.toFile());
        m.put("formatVersion", 3);
        removeVersionFiveFields(m);
        ObjectNode data = (ObjectNode) m.get("config").get("data");
        for (String f : List.of("folder", "valSplit", "allowEmptyClasses", "skipBadImages", "classNames")) {
            data.remove(f);
        }
        Files.writeString(manifest, json.writeValueAsString(m));
        assertThat(CheckpointStore.load(manifest).config()).isEqualTo(config);
        assertThat(CheckpointStore.readManifest(manifest).formatVersion()).isEqualTo(5);
        data.put("skipBadImages", true);
        Files.writeString(manifest, json.writeValueAsString(m));
        assertThatThrownBy(() -> CheckpointStore.load(manifest))
                .hasMessageContaining("(format version 3): unknown field 'config.data.skipBadImages'");
        data.remove("skipBadImages");
        m.put("formatVersion", 4);
        Files.writeString(manifest, json.writeValueAsString(m));
        assertThatThrownBy(() -> CheckpointStore.load(manifest))
                .hasMessageContaining("(format version 4): ").hasMessageContaining("config.data.folder");
    }

    /** Removes every field version 5 added: the optimizer's schedule, clipping, head rate and Nesterov momentum, the
     * training section's label smoothing, early stopping and fine-tuning fields, the data section's augmentation. */
    private static void removeVersionFiveFields(ObjectNode m) {
        ObjectNode optimizer = (ObjectNode) m.get("config").get("optimizer");
        optimizer.remove(List.of("nesterov", "clipNorm", "schedule", "headLearningRate"));
        ((ObjectNode) m.get("config").get("training")).remove(List.of("labelSmoothing", "earlyStopping", "initFrom",
                "initFromSha256", "freeze"));
        ((ObjectNode) m.get("config").get("data")).remove(List.of("augment", "cropPadding"));
    }

    /** Puts back every field version 5 added, with the values a version 4 run is read with. */
    private static void putVersionFiveDefaults(ObjectNode m) {
        removeVersionFiveFields(m);
        ScheduleConfig constant = ScheduleConfig.constant();
        ((ObjectNode) m.get("config").get("optimizer")).put("nesterov", false).put("clipNorm", 0.0)
                .put("headLearningRate", 0.0).putObject("schedule").put("name", constant.name())
                .put("warmupSteps", constant.warmupSteps()).put("stepSize", constant.stepSize()).put("gamma", constant.gamma()).put("minLr", constant.minLr());
        ObjectNode training = (ObjectNode) m.get("config").get("training");
        training.put("labelSmoothing", 0.0).putNull("initFrom").putNull("initFromSha256").putArray("freeze");
        training.putObject("earlyStopping").put("metric", "val-accuracy").put("minDelta", 0.0).put("patience", 0);
        ((ObjectNode) m.get("config").get("data")).put("augment", "none").putNull("cropPadding");
    }

    @Test
    void versionFourManifestsAreUpgradedToAConstantRateWithoutClippingOrSmoothing() throws IOException {
        ObjectNode m = (ObjectNode) json.readTree(manifest.toFile());
        m.put("formatVersion", 4);
        removeVersionFiveFields(m);
        ((ObjectNode) m.get("config").get("optimizer")).put("name", "sgd").put("learningRate", 0.05);
        Files.writeString(manifest, json.writeValueAsString(m));
        RunConfig read = CheckpointStore.load(manifest).config();
        assertThat(read.optimizer()).isEqualTo(new OptimizerConfig("sgd", 0.05, 0.9, 0));
        assertThat(read.optimizer().schedule()).isEqualTo(ScheduleConfig.constant());
        assertThat(read.optimizer().clipNorm()).isZero();
        assertThat(read.optimizer().nesterov()).isFalse();
        assertThat(read.optimizer().headLearningRate()).isZero();
        assertThat(read.training()).isEqualTo(config.training());
        assertThat(read.training().labelSmoothing()).isZero();
        assertThat(CheckpointStore.readManifest(manifest).formatVersion()).isEqualTo(5);
        ((ObjectNode) m.get("config").get("optimizer")).put("clipNorm", 1.0);
        Files.writeString(manifest, json.writeValueAsString(m));
        assertThatThrownBy(() -> CheckpointStore.load(manifest))
                .hasMessageContaining("(format version 4): unknown field 'config.optimizer.clipNorm'");
        ((ObjectNode) m.get("config").get("optimizer")).remove("clipNorm");
        ((ObjectNode) m.get("config").get("optimizer")).put("headLearningRate", 0.01);
        Files.writeString(manifest, json.writeValueAsString(m));
        assertThatThrownBy(() -> CheckpointStore.load(manifest))
                .hasMessageContaining("(format version 4): unknown field 'config.optimizer.headLearningRate'");
        ((ObjectNode) m.get("config").get("optimizer")).remove("headLearningRate");
        ((ObjectNode) m.get("config").get("training")).put("labelSmoothing", 0.1);
        Files.writeString(manifest, json.writeValueAsString(m));
        assertThatThrownBy(() -> CheckpointStore.load(manifest))
                .hasMessageContaining("(format version 4): unknown field 'config.training.labelSmoothing'");
        // A version 5 manifest must state them.
        putVersionFiveDefaults(m);
        ((ObjectNode) m.get("config").get("optimizer")).remove("nesterov");
        m.put("formatVersion", 5);
        Files.writeString(manifest, json.writeValueAsString(m));
        assertThatThrownBy(() -> CheckpointStore.load(manifest))
                .hasMessageContaining("(format version 5): ").hasMessageContaining("nesterov");
        putVersionFiveDefaults(m);
        ((ObjectNode) m.get("config").get("optimizer")).remove("headLearningRate");
        Files.writeString(manifest, json.writeValueAsString(m));
        assertThatThrownBy(() -> CheckpointStore.load(manifest))
                .hasMessageContaining("(format version 5): ").hasMessageContaining("headLearningRate");
    }

    @Test
    void versionFourManifestsAreUpgradedToNoAugmentation() throws IOException {
        // Version 4's data had no augmentation fields: no such run augmented its training images.
        String v5 = Files.readString(manifest);
        ObjectNode m = (ObjectNode) json.readTree(v5);
        m.put("formatVersion", 4);
        removeVersionFiveFields(m);
        ObjectNode data = (ObjectNode) m.get("config").get("data");
        Files.writeString(manifest, json.writeValueAsString(m));
        assertThat(CheckpointStore.load(manifest).config()).isEqualTo(config);
        assertThat(CheckpointStore.load(manifest).config().data().augment()).isEqualTo("none");
        assertThat(CheckpointStore.readManifest(manifest).formatVersion()).isEqualTo(5);
        data.put("augment", "crop");
        Files.writeString(manifest, json.writeValueAsString(m));
        assertThatThrownBy(() -> CheckpointStore.load(manifest))
                .hasMessageContaining("(format version 4): unknown field 'config.data.augment'");
        ObjectNode five = (ObjectNode) json.readTree(v5);
        ((ObjectNode) five.get("config").get("data")).remove("augment");
        Files.writeString(manifest, json.writeValueAsString(five));
        assertThatThrownBy(() -> CheckpointStore.load(manifest))
                .hasMessageContaining("(format version 5): ").hasMessageContaining("augment");
    }

    @Test
    void anAugmentedRunRoundTrips() {
        RunConfig augmented = new RunConfig(config.model(), config.data().withAugmentation("crop,flip", 4),
                config.optimizer(), config.training());
        Path saved = new CheckpointStore(dir).save("epoch-002", checkpoint(augmented, TrainingPosition.startOf(2)));
        RunConfig read = CheckpointStore.load(saved).config();
        assertThat(read).isEqualTo(augmented);
        assertThat(read.data().augmentSteps()).containsExactly("crop", "flip");
        assertThat(read.data().cropPadding()).isEqualTo(4);
    }

    @Test
    void versionFourManifestsAreUpgradedToNoEarlyStopping() throws IOException {
        // Version 4's training section had no earlyStopping: every such run trained all its epochs.
        RunConfig stopping = config.withEarlyStopping(new EarlyStoppingConfig(3, "val-loss", 0.01));
        Path saved = new CheckpointStore(dir).save("epoch-002", checkpoint(stopping, TrainingPosition.startOf(2)));
        assertThat(CheckpointStore.load(saved).config()).isEqualTo(stopping);
        ObjectNode m = (ObjectNode) json.readTree(manifest.toFile());
        m.put("formatVersion", 4);
        ObjectNode training = (ObjectNode) m.get("config").get("training");
        removeVersionFiveFields(m);
        Files.writeString(manifest, json.writeValueAsString(m));
        assertThat(CheckpointStore.load(manifest).config()).isEqualTo(config);
        assertThat(CheckpointStore.load(manifest).config().training().earlyStopping())
                .isEqualTo(EarlyStoppingConfig.off());
        assertThat(CheckpointStore.readManifest(manifest).formatVersion()).isEqualTo(5);
        training.putObject("earlyStopping").put("patience", 2).put("metric", "val-loss").put("minDelta", 0.0);
        Files.writeString(manifest, json.writeValueAsString(m));
        assertThatThrownBy(() -> CheckpointStore.load(manifest))
                .hasMessageContaining("(format version 4): unknown field 'config.training.earlyStopping'");
        putVersionFiveDefaults(m);
        training = (ObjectNode) m.get("config").get("training");
        training.remove("earlyStopping");
        m.put("formatVersion", 5);
        Files.writeString(manifest, json.writeValueAsString(m));
        assertThatThrownBy(() -> CheckpointStore.load(manifest))
                .hasMessageContaining("(format version 5): ").hasMessageContaining("earlyStopping");
        training.putObject("earlyStopping").put("patience", 2).put("metric", "val-f1").put("minDelta", 0.0);
        Files.writeString(manifest, json.writeValueAsString(m));
        assertThatThrownBy(() -> CheckpointStore.load(manifest))
                .hasMessageContaining("training.earlyStopping.metric must be one of [val-accuracy, val-loss], got 'val-f1'");
    }

    @Test
    void theBestCheckpointIsACheckpointButNeverTheNewest() {
        // best.json is an earlier epoch's copy: loadable by name, cleaned like the others, never what a resume picks.
        Path best = new CheckpointStore(dir).save(CheckpointStore.BEST, checkpoint(config, TrainingPosition.startOf(1)));
        assertThat(best.getFileName().toString()).isEqualTo("best.json");
        assertThat(CheckpointStore.checkpointOf("best.optim.safetensors")).contains("best");
        assertThat(CheckpointStore.checkpointOf("bestest.json")).isEmpty();
        assertThat(CheckpointStore.latest(dir)).contains(manifest);
        assertThat(CheckpointStore.load(best).position().epoch()).isEqualTo(1);
        assertThat(CheckpointStore.load(dir.resolve("best.safetensors")).parameters().maxAbsDiff(weights)).isZero();
    }

    @Test
    void versionFourManifestsAreUpgradedToARunFromScratchWithNothingFrozen() throws IOException {
        // Version 4's training had no fine-tuning fields: every such run started from scratch with nothing frozen.
        ObjectNode m = (ObjectNode) json.readTree(manifest.toFile());
        m.put("formatVersion", 4);
        removeVersionFiveFields(m);
        Files.writeString(manifest, json.writeValueAsString(m));
        assertThat(CheckpointStore.load(manifest).config()).isEqualTo(config);
        assertThat(CheckpointStore.readManifest(manifest).formatVersion()).isEqualTo(5);
        ((ObjectNode) m.get("config").get("training")).putArray("freeze").add("features");
        Files.writeString(manifest, json.writeValueAsString(m));
        assertThatThrownBy(() -> CheckpointStore.load(manifest))
                .hasMessageContaining("(format version 4): unknown field 'config.training.freeze'");
        putVersionFiveDefaults(m);
        ((ObjectNode) m.get("config").get("training")).remove(List.of("initFrom", "initFromSha256", "freeze"));
        m.put("formatVersion", 5);
        Files.writeString(manifest, json.writeValueAsString(m));
        assertThatThrownBy(() -> CheckpointStore.load(manifest))
                .hasMessageContaining("(format version 5): ").hasMessageContaining("'initFrom'");
    }

    @Test
    void aFineTunedRunsSourceAndFrozenModulesRoundTrip() {
        RunConfig tuned = new RunConfig(config.model(), config.data(), config.optimizer(), config.training()
                .withFineTuning("/runs/a/checkpoints/epoch-002.safetensors", "ab".repeat(32),
                        List.of("features", "classifier.0")));
        Path saved = new CheckpointStore(dir).save("epoch-002", checkpoint(tuned, TrainingPosition.startOf(2)));
        assertThat(CheckpointStore.load(saved).config()).isEqualTo(tuned);
        assertThat(CheckpointStore.load(saved).config().training().freeze()).containsExactly("features",
                "classifier.0");
    }

    @Test
    void newerOrUnknownVersionsAndFieldsAreRefusedByName() throws IOException {
        String text = Files.readString(manifest);
        Files.writeString(manifest, text.replace("\"formatVersion\" : 5", "\"formatVersion\" : 6"));
        assertThatThrownBy(() -> CheckpointStore.load(manifest)).isInstanceOf(Vgg4jException.class)
                .hasMessageContaining("epoch-001.json has format version 6, but this vgg4j reads versions 1 to 5")
                .hasMessageContaining("written by a newer vgg4j");
        Files.writeString(manifest, text.replace("\"formatVersion\" : 5,", ""));
        assertThatThrownBy(() -> CheckpointStore.load(manifest)).hasMessageContaining("has no formatVersion");
        Files.writeString(manifest, text.replace("\"family\" : \"vgg\"", "\"family\" : \"vgg\", \"shape\" : \"tv\""));
        assertThatThrownBy(() -> CheckpointStore.load(manifest))
                .hasMessageContaining("(format version 5): unknown field 'config.model.shape'");
        Files.writeString(manifest, text.replace("\"imageSize\" : 224", "\"imageSize\" : -224"));
        assertThatThrownBy(() -> CheckpointStore.load(manifest))
                .hasMessageContaining("model.imageSize must be >= 1, got -224");
        Files.writeString(manifest, text.replace("\"ratio\" : 8", "\"ratio\" : \"eight\""));
        assertThatThrownBy(() -> CheckpointStore.load(manifest))
                .hasMessageContaining("field 'config.model.ratio': ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        Files.writeString(manifest, "[]");
        assertThatThrownBy(() -> CheckpointStore.load(manifest)).hasMessageContaining("it holds a JSON array");
    }

    @Test
    void aStrayJsonFileBesideTheCheckpointsIsIgnored() throws IOException {
        // On vgg4j before this fix, every *.json in the directory was read as a manifest: Jackson's
        // "Unrecognized field" for this one made the whole run unloadable.
        Files.writeString(dir.resolve("notes.json"), "{\"note\": \"lr 1e-3 looked best\"}\n");
        Files.writeString(dir.resolve("epoch-1.json"), "{}");
        Files.writeString(dir.resolve("EPOCH-002.json"), "{}");
        Path later = new CheckpointStore(dir).save("stopped-e002-b00005", checkpoint(config,
                new TrainingPosition(1, 5, 1.0, 2, 3, 0.5)));
        assertThat(CheckpointStore.latest(dir)).contains(later);
        assertThat(CheckpointStore.load(dir).position().batch()).isEqualTo(5);
        assertThat(CheckpointStore.checkpointOf("epoch-001.optim.safetensors")).contains("epoch-001");
        assertThat(CheckpointStore.checkpointOf("stopped-e002-b00005.json")).contains("stopped-e002-b00005");
        assertThat(CheckpointStore.checkpointOf("notes.json")).isEmpty();
        assertThat(CheckpointStore.checkpointOf("epoch-001.safetensors.bak")).isEmpty();
        assertThatThrownBy(() -> new CheckpointStore(dir).save("notes", checkpoint(config,
                TrainingPosition.startOf(1)))).hasMessageContaining("not epoch-NNN or stopped-eNNN-bNNNNN");
    }

    @Test
    void aSaveThatFailsHalfwayLeavesNoWeightsWithoutAManifest() throws IOException {
        // A full disk fails the write of the optimizer state after the weights were written; a directory in the
        // optimizer file's place fails it the same way, portably. Before the fix the weights stayed behind, orphaned.
        Files.createDirectories(dir.resolve("epoch-002.optim.safetensors").resolve("blocker"));
        CheckpointStore store = new CheckpointStore(dir);
        assertThatThrownBy(() -> store.save("epoch-002", checkpoint(config, TrainingPosition.startOf(2))))
                .isInstanceOf(Vgg4jException.class).hasMessageContaining("epoch-002.optim.safetensors");
        assertThat(dir.resolve("epoch-002.safetensors")).doesNotExist();
        assertThat(dir.resolve("epoch-002.json")).doesNotExist();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
        assertThat(CheckpointStore.load(dir).position().epoch()).isEqualTo(1);
    }

    @Test
    void replacingACheckpointRemovesItsManifestFirst() throws IOException {
        // If the process dies while the files of a same-named checkpoint are replaced, what remains is an incomplete
        // checkpoint (no manifest, cleaned at the next start), never a manifest whose checksums fail.
        Path blocker = dir.resolve("epoch-001.optim.safetensors");
        Files.delete(blocker);
        Files.createDirectories(blocker.resolve("x"));
        assertThatThrownBy(() -> new CheckpointStore(dir).save("epoch-001", checkpoint(config,
                TrainingPosition.startOf(1)))).isInstanceOf(Vgg4jException.class);
        assertThat(manifest).doesNotExist();
        assertThatThrownBy(() -> CheckpointStore.load(dir)).hasMessageContaining("no checkpoint");
    }
}
