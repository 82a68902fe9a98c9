package org.vgg4j.core.train;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.vgg4j.core.ErrorText;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.Vgg4jException;
import org.vgg4j.core.config.DataConfig;
import org.vgg4j.core.config.EarlyStoppingConfig;
import org.vgg4j.core.config.InvalidConfigException;
import org.vgg4j.core.config.LegacyConfigMap;
import org.vgg4j.core.config.ModelConfig;
import org.vgg4j.core.config.RunConfig;
import org.vgg4j.core.config.RunConfigJson;
import org.vgg4j.core.config.ScheduleConfig;
import org.vgg4j.core.io.AtomicWrite;
import org.vgg4j.core.optim.OptimizerState;
import org.vgg4j.core.param.FiniteValues;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.param.SafeTensors;

/**
 * Saves and loads checkpoints in a directory as three files per checkpoint: {@code NAME.safetensors} (the weights,
 * loadable by PyTorch), {@code NAME.optim.safetensors} (optimizer state) and {@code NAME.json} (format version,
 * configuration, position, metrics, and the SHA-256 of both tensor files). Each file is written atomically and the
 * JSON last, so a checkpoint whose JSON exists is complete and verified on load; only files named like a checkpoint
 * ({@code epoch-NNN}, {@code stopped-eNNN-bNNNNN}, and {@value #BEST}, a copy of the best epoch's checkpoint kept by
 * early stopping) count as one, so other files in the directory are ignored.
 *
 * <p>Manifest format versions: 1 (vgg4j before the typed configuration: {@code config} a flat map of strings), 2
 * ({@code config} a {@link RunConfig} object) and 3 (its model also states {@code batchNorm} and {@code layout}; a
 * version 2 model is d2l without batch norm), 4 (its data states the image-folder fields; a version 3 run used a
 * built-in data set) and 5 (its optimizer states Nesterov momentum, gradient clipping, a learning-rate schedule and
 * the head's learning rate, its training section the label smoothing, {@code earlyStopping}, {@code initFrom},
 * {@code initFromSha256} and {@code freeze}, its data section {@code augment} and {@code cropPadding}; a version 4
 * run had a constant rate, none of the others, no early stopping, no augmentation, and was from scratch with nothing
 * frozen). Older versions are upgraded when read; a newer version is refused with an error that says so.
 */
public final class CheckpointStore {
    /** Version of the JSON layout written now; every version from 1 up to it is read. */
    public static final int FORMAT_VERSION = 5;
    /** Name of the checkpoint of the best epoch so far, which early stopping keeps beside the epochs' checkpoints. */
    public static final String BEST = "best";
    private static final Pattern POSITION_NAME = Pattern.compile("epoch-\\d{3,}|stopped-e\\d{3,}-b\\d{5,}");
    private static final Pattern CHECKPOINT_NAME = Pattern.compile(POSITION_NAME.pattern() + "|" + BEST);
    private static final List<String> SUFFIXES = List.of(".optim.safetensors", ".safetensors", ".json");
    /**
     * Writes keys sorted (as {@link RunConfigJson} does) and refuses unknown fields; a missing manifest field is read
     * as null so that {@link ManifestChecks} names it, while the configuration is read strictly by its own rules.
     */
    private static final JsonMapper JSON = RunConfigJson.MAPPER.rebuild()
            .disable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private final Path directory;

    /**
     * A store writing into {@code directory}; nothing is created until the first {@link #save}.
     *
     * @param directory the checkpoint directory (a run's {@code checkpoints} folder)
     */
    public CheckpointStore(Path directory) {
        this.directory = directory;
    }

    /**
     * The JSON part of a checkpoint.
     *
     * @param formatVersion     layout version ({@link #FORMAT_VERSION} once read: older layouts are upgraded)
     * @param createdAt         when it was written (ISO-8601)
     * @param config            run configuration
     * @param backend           backend that trained it
     * @param position          where to resume
     * @param history           completed epochs
     * @param parametersFile    weights file name (same directory)
     * @param parametersSha256  its SHA-256
     * @param optimizerFile     optimizer file name (same directory)
     * @param optimizerSha256   its SHA-256
     * @param optimizerStep     optimizer steps taken
     */
    public record Manifest(int formatVersion, String createdAt, RunConfig config, String backend,
            TrainingPosition position, List<EpochMetrics> history, String parametersFile, String parametersSha256,
            String optimizerFile, String optimizerSha256, long optimizerStep) {
    }

    /**
     * The directory checkpoints are written to.
     *
     * @return the directory given to the constructor, as given
     */
    public Path directory() {
        return directory;
    }

    /**
     * The name of the checkpoint written after epoch {@code epoch} (1-based): {@code epoch-001}.
     *
     * @param epoch the 1-based number of the completed epoch
     * @return {@code epoch-} and the number zero-padded to 3 digits
     */
    public static String epochName(int epoch) {
        return String.format(Locale.ROOT, "epoch-%03d", epoch);
    }

    /**
     * The name of the checkpoint written when a run stops at {@code position}: {@code stopped-e001-b00020}.
     *
     * @param position where the run stopped
     * @return the name with the 1-based epoch (3 digits) and the next batch index (5 digits)
     */
    public static String stoppedName(TrainingPosition position) {
        return String.format(Locale.ROOT, "stopped-e%03d-b%05d", position.epoch() + 1, position.batch());
    }

    /**
     * The checkpoint a file belongs to by its name ({@code epoch-001} for {@code epoch-001.optim.safetensors}), or
     * empty for a file that is not named like one of a checkpoint's three files.
     *
     * @param fileName a bare file name, without directory
     * @return the checkpoint name, or empty
     */
    public static Optional<String> checkpointOf(String fileName) {
        for (String suffix : SUFFIXES) {
            if (fileName.endsWith(suffix)) {
                String base = fileName.substring(0, fileName.length() - suffix.length());
                return CHECKPOINT_NAME.matcher(base).matches() ? Optional.of(base) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    /**
     * Bytes one checkpoint of {@code parameters} float32 values takes, with that many optimizer state tensors each.
     *
     * @param parameters               number of float32 parameter values
     * @param stateTensorsPerParameter optimizer state tensors per parameter tensor (Adam 2, SGD 0 or 1)
     * @return 4 bytes per value of the weights and of each state slot, plus 64 KiB for headers and the manifest
     */
    public static long estimatedBytes(long parameters, int stateTensorsPerParameter) {
        return parameters * 4L * (1 + stateTensorsPerParameter) + (64 << 10);
    }

    /**
     * Writes checkpoint {@code name}; returns the path of its JSON manifest. A checkpoint of the same name stops being
     * one (its manifest is removed) before its files are replaced, and if a write fails (a full disk) the files of
     * this checkpoint written so far are removed again, so no weights file is left without its manifest.
     *
     * @param name       {@code epoch-NNN}, {@code stopped-eNNN-bNNNNN} (see {@link #epochName}, {@link #stoppedName}) or
     *                   {@value #BEST}
     * @param checkpoint what to write
     * @return the path of the written {@code NAME.json} manifest
     * @throws IllegalArgumentException if {@code name} is not a checkpoint name
     */
    public Path save(String name, Checkpoint checkpoint) {
        if (!CHECKPOINT_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("checkpoint name '" + name + "' is not epoch-NNN or stopped-eNNN-bNNNNN"
                    + " (or " + BEST + ")");
        }
        Path weights = directory.resolve(name + ".safetensors");
        Path optim = directory.resolve(name + ".optim.safetensors");
        Path json = directory.resolve(name + ".json");
        try {
            Files.deleteIfExists(json);
        } catch (IOException e) {
            throw new Vgg4jException("cannot replace checkpoint " + json + ": " + e.getMessage(), e);
        }
        try {
            Map<String, String> meta = new TreeMap<>();
            meta.put("format", "pt");
            meta.put("vgg4j.config", RunConfigJson.write(checkpoint.config()));
            SafeTensors.write(weights, checkpoint.parameters(), meta);
            Map<String, Tensor> slots = new LinkedHashMap<>();
            new TreeMap<>(checkpoint.optimizer().slots()).forEach((slot, params) ->
                    params.asMap().forEach((param, t) -> slots.put(slot + "." + param, t)));
            SafeTensors.write(optim, Parameters.of(slots),
                    Map.of("step", Long.toString(checkpoint.optimizer().step())));
            Manifest manifest = new Manifest(FORMAT_VERSION, Instant.now().toString(), checkpoint.config(),
                    checkpoint.backend(), checkpoint.position(), checkpoint.history(),
                    weights.getFileName().toString(), sha256(weights), optim.getFileName().toString(), sha256(optim),
                    checkpoint.optimizer().step());
            try {
                AtomicWrite.writeString(json, JSON.writeValueAsString(manifest) + "\n");
            } catch (IOException e) {
                throw new Vgg4jException("cannot encode checkpoint manifest " + json, e);
            }
        } catch (RuntimeException e) {
            deleteQuietly(weights);
            deleteQuietly(optim);
            throw e;
        }
        return json;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // the next start in this directory removes it (see RunDirectory)
        }
    }

    /**
     * A manifest as stored, before its configuration is read by the rules of its format version: field types are
     * checked by Jackson (so an error names the field), the configuration stays a JSON tree until the version is known.
     */
    record StoredManifest(Integer formatVersion, String createdAt, JsonNode config, String backend,
            TrainingPosition position, List<EpochMetrics> history, String parametersFile, String parametersSha256,
            String optimizerFile, String optimizerSha256, long optimizerStep) {
    }

    /**
     * Reads a manifest without loading its tensors, upgrading an older format version.
     *
     * @param json the manifest file ({@code epoch-001.json})
     * @return the manifest, with {@code formatVersion} raised to {@link #FORMAT_VERSION}
     * @throws Vgg4jException one line naming the file if it is missing, not JSON, has a field of the wrong type, lacks
     *                        a field, holds a value no vgg4j run writes (a negative position, a path instead of a file
     *                        name, a malformed checksum), has a newer format version than this vgg4j reads, or a
     *                        configuration field that is unknown, missing or out of range
     */
    public static Manifest readManifest(Path json) {
        if (!Files.isRegularFile(json)) {
            throw new Vgg4jException("checkpoint " + json + " does not exist");
        }
        StoredManifest m;
        try {
            m = JSON.readValue(json.toFile(), StoredManifest.class);
        } catch (IOException e) {
            throw new Vgg4jException(ErrorText.oneLine("checkpoint " + json + " is not a valid vgg4j checkpoint "
                    + "manifest: " + ManifestChecks.describe(e, json.toFile())), e);
        }
        String problem = ManifestChecks.problem(m, FORMAT_VERSION);
        if (problem != null) {
            throw new Vgg4jException(ErrorText.oneLine("checkpoint " + json + " is not a valid vgg4j checkpoint "
                    + "manifest: " + problem));
        }
        int v = m.formatVersion();
        if (v > FORMAT_VERSION) {
            throw new Vgg4jException("checkpoint " + json + " has format version " + v + ", but this vgg4j reads "
                    + "versions 1 to " + FORMAT_VERSION + ": it was written by a newer vgg4j; use that version (or "
                    + "newer) to read it");
        }
        RunConfig config;
        try {
            JsonNode tree = m.config();
            if (v >= 2 && v <= 4) {
                tree = v == 2 ? upgradeTwo(tree) : tree;
                tree = v <= 3 ? upgradeThree(tree) : tree;
                tree = upgradeFour(tree);
            }
            config = v == 1 ? LegacyConfigMap.toRunConfig(legacyConfig(m.config())) : RunConfigJson.fromTree(tree,
                    "config");
        } catch (InvalidConfigException e) {
            throw new Vgg4jException(ErrorText.oneLine("checkpoint " + json + " is not a valid vgg4j checkpoint "
                    + "manifest (format version " + v + "): " + e.getMessage()), e);
        }
        return new Manifest(FORMAT_VERSION, m.createdAt(), config, m.backend(), m.position(), m.history(),
                m.parametersFile(), m.parametersSha256(), m.optimizerFile(), m.optimizerSha256(), m.optimizerStep());
    }

    /**
     * A version 2 configuration in version 3's form: its model was d2l without batch norm, which version 2 could not
     * say (a version 2 model that names either field is refused, as version 2 was read strictly).
     */
    private static JsonNode upgradeTwo(JsonNode config) {
        if (config == null || !config.isObject() || !config.path("model").isObject()) {
            return config; // the strict reader names what is wrong
        }
        for (String added : List.of("batchNorm", "layout")) {
            if (config.get("model").has(added)) {
                throw new InvalidConfigException("unknown field 'config.model." + added + "'");
            }
        }
        ObjectNode upgraded = config.deepCopy();
        ((ObjectNode) upgraded.get("model")).put("batchNorm", false).put("layout", ModelConfig.D2L);
        return upgraded;
    }

    /**
     * A version 3 configuration in version 4's form: its data was a built-in data set, not an image folder, which
     * version 3 could not say (a version 3 data section that names a folder field is refused, as version 3 was read
     * strictly).
     */
    private static JsonNode upgradeThree(JsonNode config) {
        if (config == null || !config.isObject() || !config.path("data").isObject()) {
            return config; // the strict reader names what is wrong
        }
        for (String added : List.of("folder", "valSplit", "allowEmptyClasses", "skipBadImages", "classNames")) {
            if (config.get("data").has(added)) {
                throw new InvalidConfigException("unknown field 'config.data." + added + "'");
            }
        }
        ObjectNode upgraded = config.deepCopy();
        ((ObjectNode) upgraded.get("data")).putNull("folder").put("valSplit", 0.0).put("allowEmptyClasses", false)
                .put("skipBadImages", false).putNull("classNames");
        return upgraded;
    }

    /**
     * A version 4 configuration in version 5's form: it was trained with a constant learning rate, no Nesterov
     * momentum, no gradient clipping, no head learning rate of its own, no label smoothing and no early stopping,
     * from scratch with nothing frozen, on images that were not augmented, which version 4 could not say (a version 4
     * section that names one of these fields is refused, as version 4 was read strictly).
     */
    private static JsonNode upgradeFour(JsonNode config) {
        if (config == null || !config.isObject() || !config.path("optimizer").isObject()
                || !config.path("training").isObject() || !config.path("data").isObject()) {
            return config; // the strict reader names what is wrong
        }
        for (String added : List.of("nesterov", "clipNorm", "schedule", "headLearningRate")) {
            if (config.get("optimizer").has(added)) {
                throw new InvalidConfigException("unknown field 'config.optimizer." + added + "'");
            }
        }
        for (String added : List.of("labelSmoothing", "earlyStopping", "initFrom", "initFromSha256", "freeze")) {
            if (config.get("training").has(added)) {
                throw new InvalidConfigException("unknown field 'config.training." + added + "'");
            }
        }
        for (String added : List.of("augment", "cropPadding")) {
            if (config.get("data").has(added)) {
                throw new InvalidConfigException("unknown field 'config.data." + added + "'");
            }
        }
        ObjectNode upgraded = config.deepCopy();
        ((ObjectNode) upgraded.get("data")).put("augment", DataConfig.AUGMENT_NONE).putNull("cropPadding");
        ScheduleConfig constant = ScheduleConfig.constant();
        ObjectNode optimizer = (ObjectNode) upgraded.get("optimizer");
        optimizer.put("nesterov", false).put("clipNorm", 0.0).put("headLearningRate", 0.0).putObject("schedule")
                .put("name", constant.name())
                .put("warmupSteps", constant.warmupSteps()).put("stepSize", constant.stepSize())
                .put("gamma", constant.gamma()).put("minLr", constant.minLr());
        ObjectNode training = (ObjectNode) upgraded.get("training");
        training.put("labelSmoothing", 0.0);
        EarlyStoppingConfig off = EarlyStoppingConfig.off();
        training.putObject("earlyStopping").put("metric", off.metric()).put("minDelta", off.minDelta())
                .put("patience", off.patience());
        training.putNull("initFrom").putNull("initFromSha256").putArray("freeze");
        return upgraded;
    }

    private static Map<String, String> legacyConfig(JsonNode config) {
        if (!config.isObject()) {
            throw new InvalidConfigException("field 'config' is not an object");
        }
        Map<String, String> map = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = config.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new InvalidConfigException("field 'config." + ErrorText.literal(e.getKey()) + "' is "
                        + e.getValue().getNodeType().toString().toLowerCase(Locale.ROOT) + ", expected a string");
            }
            map.put(e.getKey(), e.getValue().asText());
        }
        return map;
    }

    /**
     * Loads a checkpoint from its manifest, a directory (its newest checkpoint) or its weights file, verifying the
     * checksums of both tensor files.
     *
     * @param path a manifest, a checkpoint's weights or optimizer file, or a run or checkpoints directory
     * @return the checkpoint, its tensors checked to be finite
     * @throws Vgg4jException one line naming the file if none is found, a file is missing or corrupt (checksum), or a
     *                        tensor file is malformed or holds a NaN or infinity
     */
    public static Checkpoint load(Path path) {
        Path json = resolveManifest(path);
        Manifest m = readManifest(json);
        Path dir = json.toAbsolutePath().getParent();
        Path weights = dir.resolve(m.parametersFile());
        Path optim = dir.resolve(m.optimizerFile());
        verify(weights, m.parametersSha256(), json);
        verify(optim, m.optimizerSha256(), json);
        Parameters params = FiniteValues.require(SafeTensors.read(weights).tensors(), "checkpoint weights " + weights);
        SafeTensors.Contents optimContents = SafeTensors.read(optim);
        FiniteValues.require(optimContents.tensors(), "checkpoint optimizer state " + optim);
        Map<String, Map<String, Tensor>> bySlot = new TreeMap<>();
        optimContents.tensors().asMap().forEach((key, t) -> {
            int dot = key.indexOf('.');
            if (dot < 1) {
                throw new Vgg4jException("optimizer tensor '" + ErrorText.literal(key) + "' in " + optim
                        + " has no slot prefix");
            }
            bySlot.computeIfAbsent(key.substring(0, dot), k -> new LinkedHashMap<>()).put(key.substring(dot + 1), t);
        });
        Map<String, Parameters> slots = new TreeMap<>();
        bySlot.forEach((slot, tensors) -> slots.put(slot, Parameters.of(tensors)));
        return new Checkpoint(m.config(), m.backend(), m.position(), m.history(), params,
                new OptimizerState(m.optimizerStep(), slots));
    }

    /**
     * The newest complete checkpoint manifest in {@code directory} (furthest position), if any; only files named like
     * an epoch's or a stop's manifest ({@code epoch-001.json}, {@code stopped-e002-b00005.json}) are considered, not
     * {@value #BEST}{@code .json}, which is an earlier epoch's copy.
     *
     * @param directory the checkpoint directory to search
     * @return the manifest of the furthest epoch and batch (ties: latest {@code createdAt}), or empty if none
     */
    public static Optional<Path> latest(Path directory) {
        if (!Files.isDirectory(directory)) {
            return Optional.empty();
        }
        List<Path> manifests = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            files.filter(f -> f.getFileName().toString().endsWith(".json")
                    && checkpointOf(f.getFileName().toString()).filter(n -> POSITION_NAME.matcher(n).matches())
                            .isPresent()
                    && Files.isRegularFile(f)).forEach(manifests::add);
        } catch (IOException e) {
            throw new Vgg4jException("cannot list " + directory + ": " + e.getMessage(), e);
        }
        return manifests.stream().map(p -> Map.entry(p, readManifest(p)))
                .max(Comparator.<Map.Entry<Path, Manifest>>comparingInt(e -> e.getValue().position().epoch())
                        .thenComparingInt(e -> e.getValue().position().batch())
                        .thenComparing(e -> e.getValue().createdAt()))
                .map(Map.Entry::getKey);
    }

    /**
     * The manifest {@code path} designates: itself, the manifest of a weights or optimizer file, or the newest
     * checkpoint of a run directory (or of its {@code checkpoints} folder).
     *
     * @param path a manifest, weights file, optimizer file or directory; files need not exist yet
     * @return the manifest's path (not checked to exist unless found by searching a directory)
     * @throws Vgg4jException if {@code path} is a directory holding no checkpoint
     */
    public static Path resolveManifest(Path path) {
        if (Files.isDirectory(path)) {
            Path dir = Files.isDirectory(path.resolve("checkpoints")) ? path.resolve("checkpoints") : path;
            return latest(dir).orElseThrow(() -> new Vgg4jException("no checkpoint (epoch-NNN.json or "
                    + "stopped-eNNN-bNNNNN.json) found in " + dir));
        }
        String name = path.getFileName().toString();
        if (name.endsWith(".optim.safetensors")) {
            return path.resolveSibling(name.substring(0, name.length() - ".optim.safetensors".length()) + ".json");
        }
        if (name.endsWith(".safetensors")) {
            return path.resolveSibling(name.substring(0, name.length() - ".safetensors".length()) + ".json");
        }
        return path;
    }

    private static void verify(Path file, String expected, Path manifest) {
        if (!Files.isRegularFile(file)) {
            throw new Vgg4jException("checkpoint " + manifest + " refers to " + file + ", which is missing");
        }
        String actual = sha256(file);
        if (!actual.equals(expected)) {
            throw new Vgg4jException("checkpoint file " + file + " is corrupt: SHA-256 " + actual
                    + " does not match " + expected + " recorded in " + manifest);
        }
    }

    /**
     * SHA-256 of a file as lower-case hex.
     *
     * @param file the file to hash
     * @return 64 lower-case hexadecimal digits
     * @throws Vgg4jException naming the file if it cannot be read
     */
    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0;) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new Vgg4jException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
