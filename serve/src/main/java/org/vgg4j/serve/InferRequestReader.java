package org.vgg4j.serve;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;

/**
 * Reads the JSON body of {@code POST /v2/models/{m}/infer} (Open Inference Protocol, REST) in one streaming pass and
 * checks it against the model: exactly one input named {@value InferRequest#INPUT}, datatype {@code FP32}, shape
 * {@code [N, C, H, W]} with the model's {@code C, H, W}, and {@code data} holding exactly {@code N*C*H*W} numbers,
 * flat or nested in row-major order. Every violation is an {@link ApiException} 400 that says what was expected and
 * what was found; nothing here fails with another exception on any input.
 */
final class InferRequestReader {
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();
    /** Nesting deeper than this is refused: a shape has at most 4 dimensions, so 4 levels of data suffice. */
    private static final int MAX_DATA_DEPTH = 8;

    private final ServedModel model;

    InferRequestReader(ServedModel model) {
        this.model = model;
    }

    /**
     * Parses and checks {@code body}.
     *
     * @throws ApiException 400 naming the field at fault, the expected and the actual value
     */
    InferRequest read(byte[] body) {
        if (body.length == 0) {
            throw bad("the request body is empty; send a JSON object with \"inputs\"");
        }
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw bad("the body must be a JSON object with \"inputs\"");
            }
            String id = null;
            List<RawInput> inputs = null;
            List<String> outputs = new ArrayList<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "id" -> id = string(p, value, "\"id\"");
                    case "inputs" -> inputs = inputs(p, value);
                    case "outputs" -> outputs = outputs(p, value);
                    default -> p.skipChildren(); // "parameters" and extensions this server does not use
                }
            }
            if (p.nextToken() != null) {
                throw bad("unexpected content after the JSON object");
            }
            if (inputs == null) {
                throw bad("the request has no \"inputs\"");
            }
            if (inputs.size() != 1) {
                throw bad("model '" + model.name() + "' takes exactly one input ('" + InferRequest.INPUT
                        + "'); the request has " + inputs.size());
            }
            return new InferRequest(id, check(inputs.get(0)), outputs);
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
        boolean binary;

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
                case "parameters" -> in.binary |= parameters(p, value);
                default -> p.skipChildren();
            }
        }
        return in;
    }

    /** Skips the input's parameters; true if they announce the binary data extension. */
    private static boolean parameters(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            return false;
        }
        boolean binary = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            binary |= p.currentName().equals("binary_data_size");
            p.nextToken();
            p.skipChildren();
        }
        return binary;
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

    private static List<String> outputs(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            throw bad("\"outputs\" must be an array of objects with a \"name\"");
        }
        List<String> names = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw bad("each element of \"outputs\" must be an object with a \"name\"");
            }
            String name = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                if (field.equals("name")) {
                    name = string(p, v, "the output's \"name\"");
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
            if (!names.contains(name)) {
                names.add(name);
            }
        }
        return names;
    }

    private Tensor check(RawInput in) {
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
        if (in.binary) {
            throw bad("input '" + in.name + "' uses the binary data extension, which this server does not support; "
                    + "send \"data\" as JSON numbers");
        }
        if (!in.hasData) {
            throw bad("input '" + in.name + "' has no \"data\"");
        }
        long expectedCount = in.shape[0] > Integer.MAX_VALUE ? Long.MAX_VALUE : in.shape[0] * sample.elementCount();
        if (in.count != expectedCount) {
            throw bad("input '" + in.name + "' has " + in.count + " data values; shape " + Arrays.toString(in.shape)
                    + " needs " + expectedCount);
        }
        float[] values = in.data.length == in.count ? in.data : Arrays.copyOf(in.data, in.count);
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
