package org.vgg4j.onnx;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vgg4j.core.ErrorText;

/**
 * The keys vgg4j writes into an ONNX model's {@code metadata_props} and their encoding: plain strings, except the
 * structured values (the configuration, the class names, the omitted dropout layers), which are canonical JSON
 * (objects with their keys sorted, no spaces; readable with Python's {@code json.loads}), so that one model always
 * gives the same bytes, in any process.
 */
public final class OnnxMetadata {
    /** Version of this metadata layout ({@code 1}). */
    public static final String FORMAT = "vgg4j.format";
    /** The vgg4j version that wrote the file (also in the model's {@code producer_version}). */
    public static final String VERSION = "vgg4j.version";
    /** The model's name. */
    public static final String MODEL = "vgg4j.model";
    /**
     * The model's configuration: the run configuration as its checkpoint stores it (JSON with sorted keys, see
     * {@code RunConfigJson}), or free-form text.
     */
    public static final String CONFIG = "vgg4j.config";
    /** JSON array of class names, one per logit. */
    public static final String CLASSES = "vgg4j.classes";
    /** {@link ParameterDigest#sha256} of the exported parameters. */
    public static final String PARAMETERS_SHA256 = "vgg4j.parameters.sha256";
    /** Number of scalar parameters. */
    public static final String PARAMETERS_COUNT = "vgg4j.parameters.count";
    /** The backend that trained the parameters. */
    public static final String TRAINING_BACKEND = "vgg4j.training.backend";
    /** The training run the parameters come from. */
    public static final String TRAINING_RUN = "vgg4j.training.run";
    /**
     * JSON array of the dropout layers left out of the inference graph: {@code [{"index":11,"p":0.5,"path":"fc.3"}]},
     * where index is the layer's position among the network's leaves; lets a reader rebuild the exact network.
     */
    public static final String DROPOUT = "vgg4j.dropout";

    /**
     * JSON object of the batch-norm layers' {@code num_batches_tracked} buffers, which the inference graph does not
     * use: {@code {"features.1":0}}; written only for a network with batch norm, so that a reader rebuilds the exact
     * parameters (and their digest).
     */
    public static final String BATCHES_TRACKED = "vgg4j.num_batches_tracked";

    /**
     * Only in an int8 model ({@link Int8Export}): JSON object describing the quantization, e.g.
     * {@code {"activations":"uint8 per-tensor asymmetric","calibration":"min/max","calibration_images":512,
     * "float_parameters_sha256":"...","weights":"int8 per-channel symmetric, axis 0"}}; its presence marks the file
     * as quantized, and {@link #PARAMETERS_SHA256} is then the digest of the dequantized weights the file holds.
     */
    public static final String QUANTIZATION = "vgg4j.quantization";

    static final String FORMAT_VERSION = "1";

    /** Canonical JSON: map entries and object properties in key order, so the text never depends on a hash order. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED)
            .build();

    private OnnxMetadata() {
    }

    /**
     * A dropout layer the exporter left out.
     *
     * @param index its position among the network's leaves
     * @param path  its dotted path
     * @param p     its probability
     */
    public record OmittedDropout(int index, String path, double p) {
    }

    /** The metadata entries of an exported model, in the order they are written. */
    static Map<String, String> encode(ExportMetadata metadata, String digest, long parameterCount,
            List<OmittedDropout> dropouts, Map<String, Long> batchesTracked) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put(FORMAT, FORMAT_VERSION);
        out.put(VERSION, Vgg4jVersion.get());
        out.put(MODEL, metadata.modelName());
        out.put(CONFIG, metadata.config());
        out.put(CLASSES, toJson(metadata.classNames()));
        out.put(PARAMETERS_SHA256, digest);
        out.put(PARAMETERS_COUNT, Long.toString(parameterCount));
        out.put(TRAINING_BACKEND, metadata.trainingBackend());
        out.put(TRAINING_RUN, metadata.runId());
        ArrayNode drops = JSON.createArrayNode();
        for (OmittedDropout d : dropouts) {
            ObjectNode o = drops.addObject();
            o.put("index", d.index());
            o.put("path", d.path());
            o.put("p", d.p());
        }
        out.put(DROPOUT, write(drops));
        if (!batchesTracked.isEmpty()) {
            out.put(BATCHES_TRACKED, write(batchesTracked));
        }
        return out;
    }

    /** {@code value} as canonical JSON (sorted keys, no spaces). */
    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write metadata as JSON", e);
        }
    }

    /**
     * Class names from {@link #CLASSES}, or null when absent; a malformed value is an {@link OnnxFormatException}.
     *
     * @param props  the model's metadata properties (key to value)
     * @param source the file or name to cite in an error message
     * @return the names in logit order (a modifiable list), or null when {@code props} has no {@link #CLASSES} key
     * @throws OnnxFormatException if the value is not JSON or not a JSON array
     */
    public static List<String> classNames(Map<String, String> props, String source) {
        String json = props.get(CLASSES);
        if (json == null) {
            return null;
        }
        JsonNode node = parse(json, CLASSES, source);
        if (!node.isArray()) {
            throw new OnnxFormatException(source + ": metadata '" + CLASSES + "' is not a JSON array: " + json);
        }
        List<String> names = new ArrayList<>();
        for (JsonNode n : node) {
            names.add(n.asText());
        }
        return names;
    }

    /**
     * The omitted dropout layers from {@link #DROPOUT}; empty when absent.
     *
     * @param props  the model's metadata properties (key to value)
     * @param source the file or name to cite in an error message
     * @return the dropout layers in the recorded order (a modifiable list); empty when the key is absent or empty
     * @throws OnnxFormatException if the value is not JSON or an entry lacks {@code index}, {@code path} or {@code p}
     */
    public static List<OmittedDropout> dropouts(Map<String, String> props, String source) {
        String json = props.get(DROPOUT);
        List<OmittedDropout> out = new ArrayList<>();
        if (json == null || json.isEmpty()) {
            return out;
        }
        JsonNode node = parse(json, DROPOUT, source);
        for (JsonNode n : node) {
            if (!n.hasNonNull("index") || !n.hasNonNull("path") || !n.hasNonNull("p")) {
                throw new OnnxFormatException(source + ": metadata '" + DROPOUT + "' entry lacks index/path/p: " + n);
            }
            out.add(new OmittedDropout(n.get("index").asInt(), n.get("path").asText(), n.get("p").asDouble()));
        }
        return out;
    }

    /**
     * The {@code num_batches_tracked} counts from {@link #BATCHES_TRACKED} by batch-norm path; empty when absent; a
     * malformed value is an {@link OnnxFormatException}.
     *
     * @param props  the model's metadata properties (key to value)
     * @param source the file or name to cite in an error message
     * @return the non-negative counts in the recorded order (a modifiable map); empty when the key is absent or empty
     * @throws OnnxFormatException if the value is not a JSON object of non-negative integers
     */
    public static Map<String, Long> batchesTracked(Map<String, String> props, String source) {
        String json = props.get(BATCHES_TRACKED);
        Map<String, Long> out = new LinkedHashMap<>();
        if (json == null || json.isEmpty()) {
            return out;
        }
        JsonNode node = parse(json, BATCHES_TRACKED, source);
        if (!node.isObject()) {
            throw new OnnxFormatException(source + ": metadata '" + BATCHES_TRACKED + "' is not a JSON object: "
                    + json);
        }
        var fields = node.fields();
        while (fields.hasNext()) {
            var f = fields.next();
            if (!f.getValue().isIntegralNumber() || !f.getValue().canConvertToLong() || f.getValue().asLong() < 0) {
                throw new OnnxFormatException(source + ": metadata '" + BATCHES_TRACKED + "' gives '" + f.getKey()
                        + "' the count " + f.getValue() + "; expected a non-negative integer");
            }
            out.put(f.getKey(), f.getValue().asLong());
        }
        return out;
    }

    /**
     * The convolutions an int8 export padded with zero filters ({@link Int8Export#PADDED_CHANNELS} in
     * {@link #QUANTIZATION}), with their original output channel counts; empty when absent.
     *
     * @param props  the model's metadata properties (key to value)
     * @param source the file or name to cite in an error message
     * @return layer path to its original channel count, in the recorded order (a modifiable map)
     * @throws OnnxFormatException if the quantization value is not JSON or a count is not a positive integer
     */
    public static Map<String, Integer> paddedChannels(Map<String, String> props, String source) {
        Map<String, Integer> out = new LinkedHashMap<>();
        JsonNode padded = quantization(props, source).get(Int8Export.PADDED_CHANNELS);
        if (padded == null) {
            return out;
        }
        var fields = padded.fields();
        while (fields.hasNext()) {
            var f = fields.next();
            if (!f.getValue().isInt() || f.getValue().asInt() < 1) {
                throw new OnnxFormatException(source + ": metadata '" + QUANTIZATION + "' pads '" + f.getKey()
                        + "' from " + f.getValue() + " channels; expected a positive integer");
            }
            out.put(f.getKey(), f.getValue().asInt());
        }
        return out;
    }

    /**
     * The names of the no-op ReLU nodes an int8 export inserted ({@link Int8Export#NO_OP_RELUS} in
     * {@link #QUANTIZATION}); empty when absent.
     *
     * @param props  the model's metadata properties (key to value)
     * @param source the file or name to cite in an error message
     * @return the node names (a modifiable list)
     * @throws OnnxFormatException if the quantization value is not JSON
     */
    public static List<String> noOpRelus(Map<String, String> props, String source) {
        List<String> out = new ArrayList<>();
        JsonNode relus = quantization(props, source).get(Int8Export.NO_OP_RELUS);
        if (relus != null) {
            relus.forEach(n -> out.add(n.asText()));
        }
        return out;
    }

    private static JsonNode quantization(Map<String, String> props, String source) {
        String json = props.get(QUANTIZATION);
        return json == null || json.isEmpty() ? JSON.createObjectNode() : parse(json, QUANTIZATION, source);
    }

    private static String toJson(List<String> values) {
        ArrayNode a = JSON.createArrayNode();
        values.forEach(a::add);
        return write(a);
    }

    private static JsonNode parse(String json, String key, String source) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new OnnxFormatException(source + ": metadata '" + key + "' is not valid JSON: "
                    + ErrorText.quote(e.getOriginalMessage()), e);
        }
    }
}
