package org.vgg4j.core.train;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.File;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.vgg4j.core.ErrorText;

/**
 * What makes a parsed checkpoint manifest acceptable, and one-line descriptions of the JSON errors that stop one from
 * parsing; used by {@link CheckpointStore#readManifest} so that a damaged manifest is reported by field, not by a
 * Jackson stack trace.
 */
final class ManifestChecks {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private ManifestChecks() {
    }

    /** The first reason {@code m} is not a manifest vgg4j wrote, or null if it is acceptable. */
    static String problem(CheckpointStore.StoredManifest m, int formatVersion) {
        if (m == null) {
            return "it holds JSON null, not an object";
        }
        if (m.formatVersion() == null) {
            return "it has no formatVersion number";
        }
        if (m.formatVersion() < 1) {
            return "formatVersion is " + m.formatVersion() + ", expected 1 to " + formatVersion;
        }
        String missing = m.createdAt() == null ? "createdAt" : m.config() == null || m.config().isNull() ? "config"
                : m.backend() == null ? "backend" : m.position() == null ? "position"
                : m.history() == null ? "history" : m.parametersFile() == null ? "parametersFile"
                : m.parametersSha256() == null ? "parametersSha256" : m.optimizerFile() == null ? "optimizerFile"
                : m.optimizerSha256() == null ? "optimizerSha256" : null;
        if (missing != null) {
            return "field '" + missing + "' is missing or null";
        }
        if (!m.config().isObject()) {
            return "field 'config' is a JSON " + kind(m.config()) + ", expected an object";
        }
        for (int i = 0; i < m.history().size(); i++) {
            if (m.history().get(i) == null) {
                return "field 'history[" + i + "]' is null, expected an epoch's metrics";
            }
        }
        TrainingPosition p = m.position();
        if (p.epoch() < 0 || p.batch() < 0 || p.correct() < 0 || p.seen() < 0 || p.correct() > p.seen()) {
            return "field 'position' " + p + " is not a position a run can be at (negative, or more correct than seen)";
        }
        if (m.optimizerStep() < 0) {
            return "field 'optimizerStep' is " + m.optimizerStep() + ", expected >= 0";
        }
        String file = fileNameProblem("parametersFile", m.parametersFile());
        if (file == null) {
            file = fileNameProblem("optimizerFile", m.optimizerFile());
        }
        if (file != null) {
            return file;
        }
        if (!SHA256.matcher(m.parametersSha256()).matches()) {
            return "field 'parametersSha256' is '" + m.parametersSha256() + "', expected 64 lower-case hex digits";
        }
        if (!SHA256.matcher(m.optimizerSha256()).matches()) {
            return "field 'optimizerSha256' is '" + m.optimizerSha256() + "', expected 64 lower-case hex digits";
        }
        return null;
    }

    private static String fileNameProblem(String field, String name) {
        boolean plain;
        if (!ErrorText.literal(name).equals(name) || name.length() > 255) {
            return "field '" + field + "' is '" + ErrorText.literal(name) + "', expected the name of a file next to "
                    + "the manifest";
        }
        try {
            Path p = Path.of(name);
            plain = !name.isEmpty() && p.getNameCount() == 1 && p.getFileName().toString().equals(name)
                    && !name.equals("..") && !name.equals(".");
        } catch (InvalidPathException e) {
            plain = false;
        }
        return plain ? null : "field '" + field + "' is '" + name + "', expected the name of a file next to the manifest";
    }

    private static String kind(JsonNode node) {
        return node.getNodeType().toString().toLowerCase(Locale.ROOT);
    }

    /**
     * One line for a JSON read error of {@code file}: the field it concerns (if any), what is wrong and where; a file
     * holding a JSON value other than an object is described as such.
     */
    static String describe(IOException e, File file) {
        if (!(e instanceof JsonProcessingException j)) {
            return ErrorText.quote(e.toString());
        }
        if (e instanceof MismatchedInputException mi && mi.getPath().isEmpty()
                && CheckpointStore.StoredManifest.class.equals(mi.getTargetType())) {
            try {
                JsonNode root = MAPPER.readTree(file);
                if (root != null && !root.isObject()) {
                    return "it holds a JSON " + kind(root) + ", not an object";
                }
            } catch (IOException unreadable) {
                // fall through to Jackson's own words
            }
        }
        StringBuilder sb = new StringBuilder();
        if (e instanceof UnrecognizedPropertyException u) {
            sb.append("unknown field '").append(path(u)).append('\'');
            return location(j, sb);
        }
        if (j instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            sb.append("field '").append(path(m)).append("': ");
        }
        String message = String.valueOf(j.getOriginalMessage());
        sb.append(message.startsWith("Trailing token") ? "more content follows the manifest's JSON object"
                : ErrorText.quote(message));
        return location(j, sb);
    }

    private static String location(JsonProcessingException j, StringBuilder sb) {
        JsonLocation at = j.getLocation();
        if (at != null && at.getLineNr() > 0) {
            sb.append(" (line ").append(at.getLineNr()).append(", column ").append(at.getColumnNr()).append(')');
        }
        return sb.toString();
    }

    private static String path(JsonMappingException m) {
        return m.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }
}
