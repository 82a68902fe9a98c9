package org.vgg4j.core.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads and writes a {@link RunConfig} as JSON: keys sorted (so the same configuration always gives the same bytes,
 * in every JVM), and read strictly: an unknown field, a missing field or a value out of range is an
 * {@link InvalidConfigException} naming the field, never a silently ignored or defaulted value. Which fields a JSON
 * object must have is fixed by the checkpoint format version that holds it (see {@code CheckpointStore}); older
 * formats are upgraded to this one before they are read.
 */
public final class RunConfigJson {
    /** The strict mapper, shared with the checkpoint manifest so both sort keys and refuse unknown fields alike. */
    public static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .disable(MapperFeature.SORT_CREATOR_PROPERTIES_FIRST)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private RunConfigJson() {
    }

    /**
     * Compact JSON with sorted keys.
     *
     * @param config the configuration to encode
     * @return one line of JSON that {@link #parse} reads back to an equal configuration
     */
    public static String write(RunConfig config) {
        try {
            return MAPPER.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + config, e);
        }
    }

    /**
     * The configuration as a JSON tree.
     *
     * @param config the configuration to convert
     * @return a new object node, as {@link #write} would encode it
     */
    public static JsonNode toTree(RunConfig config) {
        return MAPPER.valueToTree(config);
    }

    /**
     * Parses {@link #write}'s output.
     *
     * @param json the JSON text
     * @return the configuration
     * @throws InvalidConfigException if the text is not JSON, or naming the unknown, missing or invalid field
     */
    public static RunConfig parse(String json) {
        try {
            return fromTree(MAPPER.readTree(json));
        } catch (JsonProcessingException e) {
            throw new InvalidConfigException("configuration is not JSON: " + e.getOriginalMessage());
        }
    }

    /**
     * Reads a configuration of the current format from a JSON tree.
     *
     * @param node the JSON object, may be null (an error)
     * @return the configuration
     * @throws InvalidConfigException if {@code node} is not an object, or naming the field at fault
     */
    public static RunConfig fromTree(JsonNode node) {
        return fromTree(node, "");
    }

    /**
     * Reads a configuration of the current format from a JSON tree found at {@code path} of an enclosing document
     * ({@code config} in a checkpoint manifest), so that errors name the field as it appears there.
     *
     * @param node the JSON object, may be null (an error)
     * @param path the dotted path of {@code node} in the enclosing document, prefixed to field names in errors;
     *             {@code ""} for none
     * @return the configuration
     * @throws InvalidConfigException if {@code node} is not an object, or naming the field at fault
     */
    public static RunConfig fromTree(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw new InvalidConfigException("configuration must be a JSON object, got "
                    + (node == null ? "nothing" : node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)));
        }
        try {
            return MAPPER.treeToValue(node, RunConfig.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new InvalidConfigException(describe(e, path));
        }
    }

    /**
     * One line naming the field at fault, for any Jackson binding error.
     *
     * @param e a Jackson exception, or an {@link IllegalArgumentException} (perhaps wrapping one) thrown by a
     *          record's checks
     * @return a one-line message such as {@code unknown field 'model.foo'}
     */
    public static String describe(Exception e) {
        return describe(e, "");
    }

    private static String describe(Exception e, String prefix) {
        Throwable cause = e;
        if (e instanceof IllegalArgumentException && e.getCause() instanceof JsonProcessingException j) {
            cause = j;
        }
        if (cause instanceof UnrecognizedPropertyException u) {
            return "unknown field '" + prefixed(prefix, path(u)) + "'";
        }
        if (cause instanceof ValueInstantiationException v && v.getCause() != null) {
            return firstLine(v.getCause().getMessage());
        }
        if (cause instanceof JsonMappingException m) {
            String where = prefixed(prefix, path(m));
            return (where.isEmpty() ? "" : "field '" + where + "': ") + firstLine(m.getOriginalMessage());
        }
        if (cause instanceof JsonProcessingException p) {
            return firstLine(p.getOriginalMessage());
        }
        return firstLine(cause.getMessage());
    }

    private static String prefixed(String prefix, String path) {
        return prefix.isEmpty() || path.isEmpty() ? path : path.startsWith("[") ? prefix + path : prefix + "." + path;
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "invalid value";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }

    /** Every leaf of the configuration by dotted path, in sorted order; JSON null becomes Java null. */
    static Map<String, String> flatten(RunConfig config) {
        Map<String, String> out = new LinkedHashMap<>();
        flatten("", toTree(config), out);
        return out;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else if (node.isNull()) {
            out.put(prefix, null);
        } else {
            out.put(prefix, node.isTextual() ? node.asText() : node.toString());
        }
    }
}
