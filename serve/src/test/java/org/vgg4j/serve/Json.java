package org.vgg4j.serve;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Random;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;

/** JSON helpers of the server tests: inference request bodies, and parsing of responses. */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private Json() {
    }

    static JsonNode parse(Http.Response r) {
        try {
            return MAPPER.readTree(r.bytes());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + r.body(), e);
        }
    }

    /** The body of an inference request for {@code images}, with data flat. */
    static String infer(Tensor images) {
        StringBuilder sb = new StringBuilder("{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":");
        sb.append(images.shape());
        sb.append(",\"data\":[");
        for (int i = 0; i < images.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(images.get(i));
        }
        return sb.append("]}]}").toString();
    }

    /** Seeded uniform [0, 1) images {@code [n, 1, 32, 32]}. */
    static Tensor images(int n, long seed) {
        Random r = new Random(seed);
        float[] data = new float[n * TestModels.SIZE * TestModels.SIZE];
        for (int i = 0; i < data.length; i++) {
            data[i] = r.nextFloat();
        }
        return Tensor.wrap(Shape.of(n, 1, TestModels.SIZE, TestModels.SIZE), data);
    }

    /** The values of output {@code name} of an inference response. */
    static float[] output(JsonNode response, String name) {
        for (JsonNode o : response.get("outputs")) {
            if (o.get("name").asText().equals(name)) {
                JsonNode data = o.get("data");
                float[] out = new float[data.size()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = data.get(i).decimalValue().floatValue(); // exact: the server writes shortest float text
                }
                return out;
            }
        }
        throw new AssertionError(String.format(Locale.ROOT, "no output %s in %s", name, response));
    }
}
