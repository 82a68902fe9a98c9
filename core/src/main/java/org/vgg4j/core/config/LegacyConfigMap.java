package org.vgg4j.core.config;

import java.util.Map;
import java.util.function.Function;

/**
 * Reads the configuration of a format-1 checkpoint (vgg4j before the typed configuration): a flat map of strings
 * such as {@code image_size -> "224"}, {@code lr -> "0.001"}, {@code train_limit -> "-1"} (all images). The model
 * keys are required; training keys that such a checkpoint lacks take the reference run's values, as the code that
 * wrote them did.
 */
public final class LegacyConfigMap {
    private LegacyConfigMap() {
    }

    /**
     * The typed configuration a format-1 map describes.
     *
     * @param m the checkpoint's flat configuration map, keys such as {@code image_size}, values as strings
     * @return the configuration, with the reference run's values for absent training keys
     * @throws InvalidConfigException naming the key, if a model key is absent, a number does not parse or a value
     *                                is out of range
     */
    public static RunConfig toRunConfig(Map<String, String> m) {
        RunConfig ref = RunConfig.reference();
        try {
            ModelConfig model = new ModelConfig(ModelConfig.VGG, require(m, "model"),
                    number(m, "ratio", null, Integer::parseInt), number(m, "in_channels", null, Integer::parseInt),
                    number(m, "image_size", null, Integer::parseInt), number(m, "classes", null, Integer::parseInt),
                    number(m, "hidden", null, Integer::parseInt), number(m, "dropout", null, Double::parseDouble),
                    false, ModelConfig.D2L);
            DataConfig data = DataConfig.builtIn(m.getOrDefault("dataset", ref.data().dataset()),
                    limit(m, "train_limit"), limit(m, "test_limit"));
            OptimizerConfig opt = new OptimizerConfig(m.getOrDefault("optimizer", ref.optimizer().name()),
                    number(m, "lr", ref.optimizer().learningRate(), Double::parseDouble),
                    number(m, "momentum", ref.optimizer().momentum(), Double::parseDouble),
                    number(m, "weight_decay", ref.optimizer().weightDecay(), Double::parseDouble));
            TrainingConfig training = new TrainingConfig(
                    number(m, "batch_size", ref.training().batchSize(), Integer::parseInt),
                    number(m, "epochs", ref.training().epochs(), Integer::parseInt),
                    number(m, "seed", ref.training().seed(), Long::parseLong),
                    m.getOrDefault("init", ref.training().init()));
            return new RunConfig(model, data, opt, training);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(e.getMessage());
        }
    }

    private static String require(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null) {
            throw new InvalidConfigException("configuration lacks '" + key + "'");
        }
        return v;
    }

    private static <T> T number(Map<String, String> m, String key, T fallback, Function<String, T> parse) {
        String v = fallback == null ? require(m, key) : m.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return parse.apply(v.trim());
        } catch (NumberFormatException e) {
            throw new InvalidConfigException("configuration key '" + key + "' is not a number: '" + v + "'");
        }
    }

    private static Integer limit(Map<String, String> m, String key) {
        int n = number(m, key, -1, Integer::parseInt);
        return n < 0 ? null : n;
    }
}
