package org.vgg4j.serve;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;

/**
 * Reads the JSON body of {@code POST /v2/models/{m}/infer} (Open Inference Protocol, REST) in one streaming pass and
 * checks it against the model: exactly one input named {@value InferRequest#INPUT}, datatype {@code FP32}, shape
 * {@code [N, C, H, W]} with the model's {@code C, H, W}, and {@code data} holding exactly {@code N*C*H*W} numbers,
 * flat or nested in row-major order. Every violation is an {@link ApiException} 400 that says what was expected and
 * what was found; nothing here fails with another exception on any input.
 *
 * <p>It also reads the protocol's binary tensor data extension: when the request has an
 * {@value #HEADER_LENGTH} header, only that many leading bytes are JSON, and an input whose {@code parameters} hold
 * {@code binary_data_size} takes its data from the bytes after the JSON (little-endian FP32, row-major, exactly
 * {@code N*C*H*W*4} bytes, no other bytes after it). Outputs are asked for as binary data with the request parameter
 * {@code binary_data_output} or an output's parameter {@code binary_data}.
 */
final class InferRequestReader {
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();
    /** Nesting deeper than this is refused: a shape has at most 4 dimensions, so 4 levels of data suffice. */
    private static final int MAX_DATA_DEPTH = 8;
    /** The HTTP header giving the length of the JSON part of a request or response with binary tensor data. */
    static final String HEADER_LENGTH = "Inference-Header-Content-Length";

    private final ServedModel model;

    InferRequestReader(ServedModel model) {
        this.model = model;
    }

    /**
     * Parses and checks {@code body}, all of it JSON.
     *
     * @throws ApiException 400 naming the field at fault, the expected and the actual value
     */
    InferRequest read(byte[] body) {
        return read(body, null);
    }

    /**
     * Parses and checks {@code body}, of which the first {@code headerLength} bytes are JSON and the rest binary tensor
     * data; {@code headerLength} is the {@value #HEADER_LENGTH} header as sent, {@code null} when absent (then the
     * whole body is JSON).
     *
     * @throws ApiException 400 naming the field or header at fault, the expected and the actual value
     */
    InferRequest read(byte[] body, String headerLength) {
        if (body.length == 0) {
            throw bad("the request body is empty; send a JSON object with \"inputs\"");
        }
        int jsonLength = jsonLength(headerLength, body.length);
        try (JsonParser p = JSON.createParser(body, 0, jsonLength)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw bad("the body must be a JSON object with \"inputs\"");
            }
            String id = null;
            List<RawInput> inputs = null;
            Map<String, Boolean> outputs = new LinkedHashMap<>();
            boolean binaryOutput = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "id" -> id = string(p, value, "\"id\"");
                    case "inputs" -> inputs = inputs(p, value);
                    case "outputs" -> outputs = outputs(p, value);
                    case "parameters" -> binaryOutput = booleanParameter(p, value, "binary_data_output",
                            "the request's");
                    default -> p.skipChildren(); // extensions this server does not use
                }
            }
            if (trailing(p)) {
                throw bad("unexpected content after the JSON object" + (headerLength != null ? ""
                        : "; a request with binary tensor data needs the " + HEADER_LENGTH + " header"));
            }
            if (inputs == null) {
                throw bad("the request has no \"inputs\"");
            }
            if (inputs.size() != 1) {
                throw bad("model '" + model.name() + "' takes exactly one input ('" + InferRequest.INPUT
                        + "'); the request has " + inputs.size());
            }
            List<String> binary = new ArrayList<>();
            for (String name : outputs.isEmpty() ? InferRequest.ALL_OUTPUTS : List.copyOf(outputs.keySet())) {
                Boolean own = outputs.get(name);
                if (own == null ? binaryOutput : own) {
                    binary.add(name);
                }
            }
            Tensor input = check(inputs.get(0), body, jsonLength, headerLength != null);
            return new InferRequest(id, input, List.copyOf(outputs.keySet()), binary);
        } catch (JsonProcessingException e) {
            throw bad("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw bad("cannot read the request body: " + e.getMessage());
        }
    }

    /** One input as written, before it is checked. */
    private static final class RawInput {
        String name;
        String datatype;
        long[] shape;
        float[] data = new float[1024];
        int count;
        boolean hasData;
        /** The declared {@code binary_data_size}; -1 when the input has no binary data. */
        long binarySize = -1;

        void add(float v) {
            if (count == data.length) {
                data = Arrays.copyOf(data, count * 2);
            }
            data[count++] = v;
        }
    }

    private List<RawInput> inputs(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            throw bad("\"inputs\" must be an array of tensors");
        }
        List<RawInput> out = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw bad("each element of \"inputs\" must be an object with name, shape, datatype and data");
            }
            out.add(input(p));
        }
        return out;
    }

    private RawInput input(JsonParser p) throws IOException {
        RawInput in = new RawInput();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "name" -> in.name = string(p, value, "the input's \"name\"");
                case "datatype" -> in.datatype = string(p, value, "the input's \"datatype\"");
                case "shape" -> in.shape = shape(p, value);
                case "data" -> {
                    data(p, value, in, 0);
                    in.hasData = true;
                }
                case "parameters" -> in.binarySize = binaryDataSize(p, value);
                default -> p.skipChildren();
            }
        }
        return in;
    }

    /** Whether anything but white space follows the root JSON object. */
    private static boolean trailing(JsonParser p) throws IOException {
        try {
            return p.nextToken() != null;
        } catch (JsonProcessingException e) {
            return true;
        }
    }

    /** The value of the {@value #HEADER_LENGTH} header: the length of the JSON part of a body of {@code total} bytes. */
    private static int jsonLength(String header, int total) {
        if (header == null) {
            return total;
        }
        long n;
        try {
            n = Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            throw bad("the " + HEADER_LENGTH + " header must be a byte count; got '" + abbreviate(header) + "'");
        }
        if (n < 1 || n > total) {
            throw bad("the " + HEADER_LENGTH + " header says the JSON part is " + n + " bytes; the body has " + total
                    + " bytes (expected 1 to " + total + ")");
        }
        return (int) n;
    }

    /** The input's {@code parameters.binary_data_size}, -1 when absent; other parameters are skipped. */
    private static long binaryDataSize(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            throw bad("the input's \"parameters\" must be an object; found " + describe(p));
        }
        long size = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (name.equals("binary_data_size")) {
                if (v != JsonToken.VALUE_NUMBER_INT || p.getValueAsLong(-1) < 0) {
                    throw bad("the input's \"binary_data_size\" must be a byte count; found " + describe(p));
                }
                size = p.getValueAsLong();
            } else {
                p.skipChildren();
            }
        }
        return size;
    }

    /** The boolean {@code parameters.name} of {@code whose} object (false when absent); other parameters skipped. */
    private static boolean booleanParameter(JsonParser p, JsonToken value, String name, String whose)
            throws IOException {
        if (value != JsonToken.START_OBJECT) {
            throw bad(whose + " \"parameters\" must be an object; found " + describe(p));
        }
        boolean result = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            if (field.equals(name)) {
                if (v != JsonToken.VALUE_TRUE && v != JsonToken.VALUE_FALSE) {
                    throw bad(whose + " \"" + name + "\" must be true or false; found " + describe(p));
                }
                result = v == JsonToken.VALUE_TRUE;
            } else {
                p.skipChildren();
            }
        }
        return result;
    }

    private static long[] shape(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            throw bad("the input's \"shape\" must be an array of integers");
        }
        long[] dims = new long[8];
        int n = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
                throw bad("the input's \"shape\" must hold integers; found " + describe(p));
            }
            if (n == dims.length) {
                throw bad("the input's \"shape\" has more than " + dims.length + " dimensions");
            }
            dims[n++] = p.getValueAsLong(-1);
        }
        return Arrays.copyOf(dims, n);
    }

    private static void data(JsonParser p, JsonToken value, RawInput in, int depth) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            throw bad("the input's \"data\" must be an array of numbers (flat or nested); found " + describe(p));
        }
        if (depth >= MAX_DATA_DEPTH) {
            throw bad("the input's \"data\" is nested deeper than " + MAX_DATA_DEPTH + " levels");
        }
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
                float v = p.getFloatValue();
                if (!Float.isFinite(v)) {
                    throw bad("the input's \"data\" element " + in.count + " (" + p.getText()
                            + ") is not a finite FP32 number");
                }
                in.add(v);
            } else if (t == JsonToken.START_ARRAY) {
                data(p, t, in, depth + 1);
            } else {
                throw bad("the input's \"data\" must hold numbers only; element " + in.count + " is "
                        + describe(p));
            }
        }
    }

    /** The outputs asked for, in order, each with its own {@code binary_data} parameter ({@code null} if unset). */
    private static Map<String, Boolean> outputs(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            throw bad("\"outputs\" must be an array of objects with a \"name\"");
        }
        Map<String, Boolean> names = new LinkedHashMap<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw bad("each element of \"outputs\" must be an object with a \"name\"");
            }
            String name = null;
            Boolean binary = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                if (field.equals("name")) {
                    name = string(p, v, "the output's \"name\"");
                } else if (field.equals("parameters")) {
                    binary = booleanParameter(p, v, "binary_data", "the output's");
                } else {
                    p.skipChildren();
                }
            }
            if (name == null) {
                throw bad("an element of \"outputs\" has no \"name\"");
            }
            if (!InferRequest.ALL_OUTPUTS.contains(name)) {
                throw bad("unknown output '" + name + "': the outputs are " + InferRequest.ALL_OUTPUTS);
            }
            if (binary != null || !names.containsKey(name)) {
                names.put(name, binary);
            }
        }
        return names;
    }

    private Tensor check(RawInput in, byte[] body, int jsonLength, boolean hasHeader) {
        if (in.name == null) {
            throw bad("the input has no \"name\" (model '" + model.name() + "' takes '" + InferRequest.INPUT + "')");
        }
        if (!in.name.equals(InferRequest.INPUT)) {
            throw bad("unknown input '" + in.name + "': model '" + model.name() + "' takes one input named '"
                    + InferRequest.INPUT + "'");
        }
        if (in.datatype == null) {
            throw bad("input '" + in.name + "' has no \"datatype\" (expected FP32)");
        }
        if (!in.datatype.equals("FP32")) {
            throw bad("input '" + in.name + "' has datatype " + in.datatype + "; model '" + model.name()
                    + "' takes FP32");
        }
        Shape sample = model.sampleShape();
        String expected = "[N, " + sample.toString().substring(1);
        if (in.shape == null) {
            throw bad("input '" + in.name + "' has no \"shape\" (expected " + expected + ")");
        }
        boolean fits = in.shape.length == sample.rank() + 1 && in.shape[0] >= 1;
        for (int i = 0; fits && i < sample.rank(); i++) {
            fits = in.shape[i + 1] == sample.dim(i);
        }
        if (!fits) {
            throw bad("input '" + in.name + "' has shape " + Arrays.toString(in.shape) + "; model '" + model.name()
                    + "' takes " + expected + " with N >= 1");
        }
        long expectedCount = in.shape[0] > Integer.MAX_VALUE ? Long.MAX_VALUE : in.shape[0] * sample.elementCount();
        int binaryBytes = body.length - jsonLength;
        if (in.binarySize >= 0) {
            return binary(in, sample, expectedCount, body, jsonLength, hasHeader);
        }
        if (binaryBytes > 0) {
            throw bad(binaryBytes + " bytes follow the JSON part (" + HEADER_LENGTH + ": " + jsonLength
                    + "), but input '" + in.name + "' declares no \"binary_data_size\"");
        }
        if (!in.hasData) {
            throw bad("input '" + in.name + "' has no \"data\"");
        }
        if (in.count != expectedCount) {
            throw bad("input '" + in.name + "' has " + in.count + " data values; shape " + Arrays.toString(in.shape)
                    + " needs " + expectedCount);
        }
        float[] values = in.data.length == in.count ? in.data : Arrays.copyOf(in.data, in.count);
        return Tensor.wrap(sample.prepend(Math.toIntExact(in.shape[0])), values);
    }

    /** The input's data from the binary part of the body: {@code binary_data_size} bytes, exactly the shape's. */
    private static Tensor binary(RawInput in, Shape sample, long expectedCount, byte[] body, int jsonLength,
            boolean hasHeader) {
        if (in.hasData) {
            throw bad("input '" + in.name + "' has both \"data\" and a \"binary_data_size\"; send one of them");
        }
        if (!hasHeader) {
            throw bad("input '" + in.name + "' declares \"binary_data_size\" but the request has no " + HEADER_LENGTH
                    + " header saying where its JSON part ends");
        }
        long expectedBytes = expectedCount > Long.MAX_VALUE / 4 ? Long.MAX_VALUE : expectedCount * 4;
        if (in.binarySize != expectedBytes) {
            throw bad("input '" + in.name + "' has \"binary_data_size\" " + in.binarySize + "; shape "
                    + Arrays.toString(in.shape) + " in FP32 needs " + expectedBytes + " bytes");
        }
        int binaryBytes = body.length - jsonLength;
        if (binaryBytes != in.binarySize) {
            throw bad("input '" + in.name + "' declares " + in.binarySize + " bytes of binary data; " + binaryBytes
                    + " bytes follow the JSON part (" + HEADER_LENGTH + ": " + jsonLength + ")");
        }
        float[] values = new float[(int) expectedCount];
        ByteBuffer.wrap(body, jsonLength, binaryBytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw bad("input '" + in.name + "' binary element " + i + " (" + values[i]
                        + ") is not a finite FP32 number");
            }
        }
        return Tensor.wrap(sample.prepend(Math.toIntExact(in.shape[0])), values);
    }

    private static String string(JsonParser p, JsonToken value, String what) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            throw bad(what + " must be a string; found " + describe(p));
        }
        return p.getText();
    }

    private static String describe(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case VALUE_STRING -> "the string \"" + abbreviate(p.getText()) + "\"";
            case VALUE_TRUE, VALUE_FALSE -> "the boolean " + p.getText();
            case VALUE_NULL -> "null";
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            default -> p.getText();
        };
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    private static ApiException bad(String message) {
        return new ApiException(ApiException.BAD_REQUEST, message);
    }
}
