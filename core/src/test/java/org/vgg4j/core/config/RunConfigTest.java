package org.vgg4j.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The typed run configuration: JSON with sorted keys that reads back equal, strict reading that names the field at
 * fault, field-by-field differences, and the upgrade of format-1 string maps.
 */
class RunConfigTest {
    private final RunConfig ref = RunConfig.reference();

    @Test
    void jsonRoundTripsWithSortedKeys() {
        String json = RunConfigJson.write(ref);
        assertThat(RunConfigJson.parse(json)).isEqualTo(ref);
        assertThat(json).startsWith("{\"data\":{\"allowEmptyClasses\":false,\"augment\":\"none\",\"classNames\":null,"
                + "\"cropPadding\":null,\"dataset\":\"fashion-mnist\",\"folder\":null,"
                + "\"skipBadImages\":false,\"testLimit\":null,\"trainLimit\":null,\"valSplit\":0.0},"
                + "\"model\":{\"batchNorm\":false,\"classes\":10,\"dropout\":0.5,\"family\":\"vgg\",\"hiddenUnits\":4096,"
                + "\"imageSize\":224,\"inChannels\":1,\"layout\":\"d2l\",");
        assertThat(json).contains("\"optimizer\":{\"clipNorm\":0.0,\"headLearningRate\":0.0,\"learningRate\":0.001,\"momentum\":0.9,"
                + "\"name\":\"adam\",\"nesterov\":false,\"schedule\":{\"gamma\":0.1,\"minLr\":0.0,\"name\":\"constant\","
                + "\"stepSize\":1000,\"warmupSteps\":0},\"weightDecay\":0.0}")
                .contains("\"training\":{\"batchSize\":64,\"earlyStopping\":{\"metric\":\"val-accuracy\",\"minDelta\":0.0,"
                        + "\"patience\":0},\"epochs\":5,\"freeze\":[],\"init\":\"torchvision\",\"initFrom\":null,"
                        + "\"initFromSha256\":null,\"labelSmoothing\":0.0,\"seed\":42}");
        RunConfig scheduled = new RunConfig(ref.model(), ref.data(), new OptimizerConfig("sgd", 0.1, 0.9, 1e-4, true, 1.5,
                new ScheduleConfig("cosine", 100, 1000, 0.1, 1e-3), 0.02), new TrainingConfig(64, 5, 42, "torchvision",
                0.1));
        assertThat(RunConfigJson.parse(RunConfigJson.write(scheduled))).isEqualTo(scheduled);
        assertThat(ref.differences(scheduled)).extracting(ConfigDifference::path).containsExactly("optimizer.clipNorm",
                "optimizer.headLearningRate", "optimizer.learningRate", "optimizer.name", "optimizer.nesterov", "optimizer.schedule.minLr",
                "optimizer.schedule.name", "optimizer.schedule.warmupSteps", "optimizer.weightDecay",
                "training.labelSmoothing");
    }

    @Test
    void readingIsStrictAndNamesTheField() {
        String json = RunConfigJson.write(ref);
        assertThatThrownBy(() -> RunConfigJson.parse(json.replace("\"family\":\"vgg\"", "\"family\":\"vgg\","
                + "\"shape\":\"torchvision\""))).isInstanceOf(InvalidConfigException.class)
                .hasMessage("unknown field 'model.shape'");
        assertThatThrownBy(() -> RunConfigJson.parse(json.replace("\"layout\":\"d2l\",", "")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("'layout'");
        assertThatThrownBy(() -> RunConfigJson.parse(json.replace("\"ratio\":8,", "")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("'ratio'");
        assertThatThrownBy(() -> RunConfigJson.parse(json.replace("\"ratio\":8", "\"ratio\":0")))
                .hasMessage("model.ratio must be >= 1, got 0");
        assertThatThrownBy(() -> RunConfigJson.parse(json.replace("\"batchSize\":64", "\"batchSize\":\"many\"")))
                .hasMessageStartingWith("field 'training.batchSize': ");
        assertThatThrownBy(() -> RunConfigJson.parse(json.replace("\"name\":\"adam\"", "\"name\":\"lion\"")))
                .hasMessageContaining("optimizer.name must be adam, adamw or sgd, got 'lion'");
        assertThatThrownBy(() -> RunConfigJson.parse(json.replace("\"name\":\"constant\"", "\"name\":\"cyclic\"")))
                .hasMessageContaining("optimizer.schedule.name must be one of constant, step, cosine, onecycle, got "
                        + "'cyclic'");
        assertThatThrownBy(() -> RunConfigJson.parse(json.replace("\"nesterov\":false", "\"nesterov\":true")))
                .hasMessageContaining("optimizer.nesterov needs optimizer sgd with momentum > 0, got adam");
        assertThatThrownBy(() -> RunConfigJson.parse(json.replace("\"labelSmoothing\":0.0", "\"labelSmoothing\":1.0")))
                .hasMessageContaining("training.labelSmoothing must be >= 0 and < 1, got 1.0");
        assertThatThrownBy(() -> RunConfigJson.parse(json.replace("\"minLr\":0.0", "\"minLr\":0.5")))
                .hasMessageContaining("optimizer.schedule.minLr must be <= optimizer.learningRate (0.001), got 0.5");
        assertThatThrownBy(() -> RunConfigJson.parse(json.replace("\"clipNorm\":0.0,", "")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("'clipNorm'");
        assertThatThrownBy(() -> RunConfigJson.parse("[1]")).hasMessageContaining("must be a JSON object");
        assertThat(RunConfigJson.describe(new IllegalStateException("a\nb"))).isEqualTo("a");
    }

    @Test
    void differencesNameEveryChangedFieldByPath() {
        RunConfig other = new RunConfig(new ModelConfig("vgg", "vgg16", 8, 1, 64, 10, 4096, 0.5, false, "d2l"),
                DataConfig.builtIn("fashion-mnist", 100, null), ref.optimizer(), ref.training().withEpochs(9));
        assertThat(ref.differences(other)).containsExactly(
                new ConfigDifference("data.trainLimit", null, "100"),
                new ConfigDifference("model.imageSize", "224", "64"),
                new ConfigDifference("model.variant", "vgg11", "vgg16"),
                new ConfigDifference("training.epochs", "5", "9"));
        assertThat(ref.differences(ref)).isEmpty();
    }

    @Test
    void formatOneMapsUpgradeWithTheReferenceRunForMissingTrainingKeys() {
        Map<String, String> full = new HashMap<>(Map.of("model", "vgg13", "ratio", "4", "image_size", "32",
                "hidden", "1024", "dropout", "0.25", "in_channels", "1", "classes", "10", "dataset", "mnist",
                "batch_size", "32", "optimizer", "sgd"));
        full.putAll(Map.of("lr", "0.05", "momentum", "0.8", "weight_decay", "0.0001", "seed", "7", "init", "pytorch",
                "train_limit", "-1", "test_limit", "500", "epochs", "3"));
        assertThat(LegacyConfigMap.toRunConfig(full)).isEqualTo(new RunConfig(
                new ModelConfig("vgg", "vgg13", 4, 1, 32, 10, 1024, 0.25, false, "d2l"),
                DataConfig.builtIn("mnist", null, 500),
                new OptimizerConfig("sgd", 0.05, 0.8, 0.0001), new TrainingConfig(32, 3, 7, "pytorch")));
        Map<String, String> modelOnly = Map.of("model", "vgg11", "ratio", "8", "image_size", "224", "hidden", "4096",
                "dropout", "0.5", "in_channels", "1", "classes", "10");
        assertThat(LegacyConfigMap.toRunConfig(modelOnly)).isEqualTo(ref);
        Map<String, String> noRatio = new HashMap<>(modelOnly);
        noRatio.remove("ratio");
        assertThatThrownBy(() -> LegacyConfigMap.toRunConfig(noRatio)).isInstanceOf(InvalidConfigException.class)
                .hasMessage("configuration lacks 'ratio'");
        Map<String, String> badLr = new HashMap<>(modelOnly);
        badLr.put("lr", "fast");
        assertThatThrownBy(() -> LegacyConfigMap.toRunConfig(badLr)).hasMessage(
                "configuration key 'lr' is not a number: 'fast'");
    }

    @Test
    void sectionsCheckTheirFields() {
        assertThatThrownBy(() -> DataConfig.builtIn("mnist", 0, null)).hasMessage("data.trainLimit must be >= 1, got 0");
        assertThatThrownBy(() -> new OptimizerConfig("adam", -0.001, 0.9, 0))
                .hasMessage("optimizer.learningRate must be > 0 and finite, got -0.001");
        assertThatThrownBy(() -> new OptimizerConfig("adam", 0.001, 0.9, 0, false, 0, ScheduleConfig.constant(), -1))
                .hasMessageStartingWith("optimizer.headLearningRate must be >= 0 and finite");
        assertThatThrownBy(() -> new TrainingConfig(64, 0, 1, "torchvision"))
                .hasMessage("training.epochs must be >= 1, got 0");
        assertThat(new OptimizerConfig("sgd", 0.1, 0, 0).stateTensorsPerParameter()).isZero();
        assertThat(new OptimizerConfig("sgd", 0.1, 0.9, 0).stateTensorsPerParameter()).isEqualTo(1);
        assertThat(ref.optimizer().stateTensorsPerParameter()).isEqualTo(2);
    }

    @Test
    void fineTuningFieldsAreCheckedAndComparedByPath() {
        TrainingConfig t = ref.training();
        String sha = "0123456789abcdef".repeat(4);
        assertThatThrownBy(() -> t.withFineTuning("/w.safetensors", null, java.util.List.of()))
                .hasMessageContaining("training.initFromSha256 must be given exactly when training.initFrom is");
        assertThatThrownBy(() -> t.withFineTuning("/w.safetensors", "ABC", java.util.List.of()))
                .hasMessage("training.initFromSha256 must be 64 lower-case hexadecimal digits, got 'ABC'");
        assertThatThrownBy(() -> t.withFineTuning(null, null, java.util.List.of("features", "features")))
                .hasMessage("training.freeze names 'features' twice");
        assertThatThrownBy(() -> t.withFineTuning(null, null, java.util.List.of(" ")))
                .hasMessageContaining("training.freeze holds an empty or padded module prefix");
        RunConfig tuned = new RunConfig(ref.model(), ref.data(), ref.optimizer(),
                t.withFineTuning("/w.safetensors", sha, java.util.List.of("features")));
        assertThat(RunConfigJson.parse(RunConfigJson.write(tuned))).isEqualTo(tuned);
        assertThat(ref.differences(tuned)).containsExactly(
                new ConfigDifference("training.freeze", "[]", "[\"features\"]"),
                new ConfigDifference("training.initFrom", null, "/w.safetensors"),
                new ConfigDifference("training.initFromSha256", null, sha));
        assertThat(tuned.withEpochs(3).training().freeze()).containsExactly("features");
    }
}
