package org.vgg4j.serve;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.train.Evaluator;

/**
 * The JSON bodies the server writes: Open Inference Protocol responses (inference, model and server metadata,
 * readiness, errors as {@code {"error": "..."}}) and the TorchServe-style top-k list. Field order is fixed, so the
 * same answer is the same bytes.
 */
final class ProtocolJson {
    /** The model version every served model reports. */
    static final String VERSION = "1";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory JSON = MAPPER.getFactory();

    private ProtocolJson() {
    }

    /** {@code {"error": message}}. */
    static byte[] error(String message) {
        return write(Map.of("error", message == null ? "" : message));
    }

    /** Any map or list of plain values, in its iteration order. */
    static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * An inference response body: {@code bytes}, of which the first {@code jsonLength} are the JSON object and the
     * rest the binary tensor data of the outputs asked for as binary, in the order the JSON lists them.
     *
     * @param bytes      the whole body
     * @param jsonLength the length of its JSON part; equal to {@code bytes.length} when no output is binary
     */
    record InferBody(byte[] bytes, int jsonLength) {
        /** Whether binary tensor data follows the JSON. */
        boolean binary() {
            return jsonLength < bytes.length;
        }
    }

    /**
     * The response to an inference request: the outputs it asked for, computed from {@code logits}; those in
     * {@link InferRequest#binaryOutputs()} as {@code "parameters": {"binary_data_size": n}} in the JSON and their
     * little-endian FP32 values after it.
     */
    static InferBody inferResponse(ServedModel model, InferRequest request, Tensor logits) {
        int n = logits.shape().dim(0);
        int classes = logits.shape().dim(1);
        int binaryBytes = request.binaryOutputs().size() * n * classes * Float.BYTES;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(160 + n * classes * 24 + binaryBytes);
        ByteBuffer binary = ByteBuffer.allocate(binaryBytes).order(ByteOrder.LITTLE_ENDIAN);
        try (JsonGenerator g = JSON.createGenerator(bytes)) {
            g.writeStartObject();
            g.writeStringField("model_name", model.name());
            g.writeStringField("model_version", VERSION);
            if (request.id() != null) {
                g.writeStringField("id", request.id());
            }
            g.writeArrayFieldStart("outputs");
            for (String output : request.outputsToWrite()) {
                g.writeStartObject();
                g.writeStringField("name", output);
                g.writeStringField("datatype", "FP32");
                g.writeArrayFieldStart("shape");
                g.writeNumber(n);
                g.writeNumber(classes);
                g.writeEndArray();
                float[] values = values(output, logits, n, classes);
                if (request.binaryOutputs().contains(output)) {
                    g.writeObjectFieldStart("parameters");
                    g.writeNumberField("binary_data_size", values.length * Float.BYTES);
                    g.writeEndObject();
                    binary.asFloatBuffer().put(values);
                    binary.position(binary.position() + values.length * Float.BYTES);
                } else {
                    g.writeArrayFieldStart("data");
                    for (float v : values) {
                        g.writeNumber(v);
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int jsonLength = bytes.size();
        bytes.write(binary.array(), 0, binaryBytes);
        return new InferBody(bytes.toByteArray(), jsonLength);
    }

    /** The values of one output, row-major {@code [n, classes]}. */
    private static float[] values(String output, Tensor logits, int n, int classes) {
        float[] values = new float[n * classes];
        if (output.equals(InferRequest.LOGITS)) {
            logits.copyTo(values, 0);
        } else {
            for (int row = 0; row < n; row++) {
                double[] p = Evaluator.softmax(logits, row, classes);
                for (int c = 0; c < classes; c++) {
                    values[row * classes + c] = (float) p[c];
                }
            }
        }
        return values;
    }

    /** {@code GET /v2/models/{m}}: name, versions, platform, inputs and outputs with datatypes and shapes. */
    static byte[] modelMetadata(ServedModel model) {
        Shape sample = model.sampleShape();
        List<Integer> inShape = new ArrayList<>();
        inShape.add(-1);
        for (int d : sample.dims()) {
            inShape.add(d);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", model.name());
        m.put("versions", List.of(VERSION));
        m.put("platform", "vgg4j-" + model.platform());
        m.put("inputs", List.of(tensor(InferRequest.INPUT, inShape)));
        List<Object> outputs = new ArrayList<>();
        for (String name : InferRequest.ALL_OUTPUTS) {
            outputs.add(tensor(name, List.of(-1, model.classes())));
        }
        m.put("outputs", outputs);
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("class_names", model.classNames());
        parameters.put("source", model.source());
        m.put("parameters", parameters);
        return write(m);
    }

    private static Map<String, Object> tensor(String name, List<Integer> shape) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("name", name);
        t.put("datatype", "FP32");
        t.put("shape", shape);
        return t;
    }

    /** The top {@code k} classes of one image as {@code [{"class": name, "probability": p}, ...]}, best first. */
    static byte[] topK(ServedModel model, Tensor logits, int k) {
        int classes = model.classes();
        double[] p = Evaluator.softmax(logits, 0, classes);
        Integer[] order = new Integer[classes];
        for (int c = 0; c < classes; c++) {
            order[c] = c;
        }
        Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < Math.min(k, classes); i++) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("class", model.classNames().get(order[i]));
            entry.put("probability", p[order[i]]);
            out.add(entry);
        }
        return write(out);
    }
}
