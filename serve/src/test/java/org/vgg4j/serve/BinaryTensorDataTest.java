package org.vgg4j.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.train.Evaluator;

/**
 * The Open Inference Protocol's binary tensor data extension on loopback, with requests built byte by byte: the
 * {@code Inference-Header-Content-Length} header, an input's {@code binary_data_size} and raw little-endian FP32 after
 * the JSON, outputs asked for as binary ({@code binary_data_output}, {@code binary_data}) and every way such a
 * request can be wrong (400, never a 500).
 */
class BinaryTensorDataTest {
    private static final String HEADER = "Inference-Header-Content-Length";
    private static final String ONE_IMAGE = "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,1,32,32],"
            + "\"parameters\":{\"binary_data_size\":4096}}]%s}";
    private static ModelServer server;
    private static Http http;
    private static Session reference;

    @BeforeAll
    static void start() {
        server = ModelServer.start(List.of(TestModels.served("fashion", 1)), ServeOptions.defaults(0));
        http = new Http(server.uri());
        reference = TestModels.reference(1);
    }

    @AfterAll
    static void stop() {
        server.close();
        reference.close();
    }

    /**
     * A 32x32 image of 0, 0.5 and 1 in a pattern, and its binary form written as the bytes of IEEE 754 single
     * precision, little-endian, by hand (not by a ByteBuffer): 0.5f is 0x3F000000, 1.0f is 0x3F800000.
     */
    private static final float[] IMAGE = new float[1024];
    private static final byte[] IMAGE_BYTES = new byte[4096];

    static {
        for (int i = 0; i < 1024; i++) {
            int level = (i * 7 + i / 32) % 3;
            IMAGE[i] = level * 0.5f;
            IMAGE_BYTES[4 * i + 2] = (byte) (level == 2 ? 0x80 : 0x00);
            IMAGE_BYTES[4 * i + 3] = (byte) (level == 0 ? 0x00 : 0x3F);
        }
    }

    private static byte[] concat(byte[] json, byte[] binary) {
        byte[] out = Arrays.copyOf(json, json.length + binary.length);
        System.arraycopy(binary, 0, out, json.length, binary.length);
        return out;
    }

    private static Http.Response post(byte[] body, String headerLength) {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri().resolve("v2/models/fashion/infer"))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (headerLength != null) {
            b.header(HEADER, headerLength);
        }
        return http.send(b);
    }

    private static Http.Response postBinary(String json, byte[] binary) {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        return post(concat(header, binary), Integer.toString(header.length));
    }

    private static float[] littleEndianFloats(byte[] bytes, int offset, int count) {
        float[] out = new float[count];
        ByteBuffer.wrap(bytes, offset, count * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    @Test
    void theServerAnnouncesTheExtension() {
        assertThat(Json.parse(http.get("v2")).get("extensions").toString()).contains("binary_tensor_data");
    }

    @Test
    void aBinaryInputGivesTheSameLogitsAsTheSessionOnTheSameFloats() {
        float[] expected = reference.predict(Tensor.wrap(Shape.of(1, 1, 32, 32), IMAGE)).toArray();
        Http.Response r = postBinary(String.format(ONE_IMAGE, ""), IMAGE_BYTES);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/json");
        assertThat(r.header(HEADER)).isNull();
        assertThat(Json.output(Json.parse(r), "logits")).containsExactly(expected);
    }

    @Test
    void binaryOutputsFollowTheJsonHeaderInTheOrderItListsThem() throws IOException {
        Tensor images = Json.images(2, 21);
        float[] logits = reference.predict(images).toArray();
        ByteBuffer data = ByteBuffer.allocate(2 * 4096).order(ByteOrder.LITTLE_ENDIAN);
        data.asFloatBuffer().put(images.toArray());
        String json = "{\"id\":\"b1\",\"parameters\":{\"binary_data_output\":true},\"inputs\":[{\"name\":\"input\","
                + "\"datatype\":\"FP32\",\"shape\":[2,1,32,32],\"parameters\":{\"binary_data_size\":8192}}]}";
        Http.Response r = postBinary(json, data.array());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/octet-stream");
        int headerLength = Integer.parseInt(r.header(HEADER));
        JsonNode head = new ObjectMapper().readTree(Arrays.copyOf(r.bytes(), headerLength));
        assertThat(head.get("id").asText()).isEqualTo("b1");
        JsonNode outputs = head.get("outputs");
        assertThat(outputs).hasSize(2);
        assertThat(outputs.get(0).get("name").asText()).isEqualTo("logits");
        assertThat(outputs.get(0).has("data")).isFalse();
        assertThat(outputs.get(0).get("parameters").get("binary_data_size").asInt()).isEqualTo(80);
        assertThat(outputs.get(1).get("parameters").get("binary_data_size").asInt()).isEqualTo(80);
        assertThat(r.bytes()).hasSize(headerLength + 160);
        assertThat(littleEndianFloats(r.bytes(), headerLength, 20)).containsExactly(logits);
        float[] p = littleEndianFloats(r.bytes(), headerLength + 80, 20);
        Tensor expected = Tensor.wrap(Shape.of(2, 10), logits);
        for (int row = 0; row < 2; row++) {
            double[] softmax = Evaluator.softmax(expected, row, 10);
            for (int c = 0; c < 10; c++) {
                assertThat(p[row * 10 + c]).isEqualTo((float) softmax[c]);
            }
        }
    }

    @Test
    void anOutputsOwnBinaryDataParameterOverridesTheRequestsAndJsonInputsMayAskForBinaryOutputs() throws IOException {
        Tensor image = Json.images(1, 22);
        float[] logits = reference.predict(image).toArray();
        String json = Json.infer(image);
        json = json.substring(0, json.length() - 1) + ",\"parameters\":{\"binary_data_output\":true},\"outputs\":["
                + "{\"name\":\"probabilities\",\"parameters\":{\"binary_data\":false}},{\"name\":\"logits\"}]}";
        Http.Response r = http.postJson("v2/models/fashion/infer", json);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        int headerLength = Integer.parseInt(r.header(HEADER));
        JsonNode head = new ObjectMapper().readTree(Arrays.copyOf(r.bytes(), headerLength));
        assertThat(head.get("outputs").get(0).get("name").asText()).isEqualTo("probabilities");
        assertThat(head.get("outputs").get(0).get("data")).hasSize(10);
        assertThat(head.get("outputs").get(1).get("parameters").get("binary_data_size").asInt()).isEqualTo(40);
        assertThat(littleEndianFloats(r.bytes(), headerLength, 10)).containsExactly(logits);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "header not a number        | x    | 4096 | | must be a byte count; got 'x'",
        "header longer than body    | 9999 | 4096 | | the body has",
        "header of zero             | 0    | 4096 | | expected 1 to",
        "no header                  |      | 4096 | | needs the Inference-Header-Content-Length header",
        "no header, no binary part  |      | 0    | | has no Inference-Header-Content-Length header",
        "too few binary bytes       | =    | 4095 | | 4095 bytes follow the JSON part",
        "too many binary bytes      | =    | 4100 | | 4100 bytes follow the JSON part",
        "size not the shape's       | =    | 4096 | 2048 | \"binary_data_size\" 2048; shape [1, 1, 32, 32] in FP32 needs 4096",
        "size not a number          | =    | 4096 | \"4096\" | must be a byte count; found the string",
    })
    void malformedBinaryRequestsAre400(String what, String header, int binaryBytes, String declared,
            String fragment) {
        String json = String.format(ONE_IMAGE, "");
        if (declared != null) {
            json = json.replace("4096", declared);
        }
        byte[] head = json.getBytes(StandardCharsets.UTF_8);
        byte[] binary = Arrays.copyOf(IMAGE_BYTES, binaryBytes);
        String headerValue = header == null ? null : header.equals("=") ? Integer.toString(head.length) : header;
        Http.Response r = post(concat(head, binary), headerValue);
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(Json.parse(r).get("error").asText()).contains(fragment);
    }

    @Test
    void bytesAfterTheJsonOfAJsonInputAndBothDataAndBinaryAre400() throws IOException {
        Tensor image = Json.images(1, 23);
        byte[] json = Json.infer(image).getBytes(StandardCharsets.UTF_8);
        Http.Response trailing = post(concat(json, new byte[8]), Integer.toString(json.length));
        assertThat(trailing.status()).isEqualTo(400);
        assertThat(Json.parse(trailing).get("error").asText()).contains("declares no \"binary_data_size\"");
        String both = Json.infer(image).replace("\"datatype\":\"FP32\",",
                "\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":4096},");
        Http.Response r = postBinary(both, IMAGE_BYTES);
        assertThat(r.status()).isEqualTo(400);
        assertThat(Json.parse(r).get("error").asText()).contains("both \"data\" and a \"binary_data_size\"");
        ByteArrayOutputStream nan = new ByteArrayOutputStream();
        nan.write(IMAGE_BYTES, 0, 4092);
        nan.write(new byte[] {0, 0, (byte) 0xC0, 0x7F}); // a quiet NaN, little-endian
        Http.Response notFinite = postBinary(String.format(ONE_IMAGE, ""), nan.toByteArray());
        assertThat(notFinite.status()).isEqualTo(400);
        assertThat(Json.parse(notFinite).get("error").asText()).contains("binary element 1023 (NaN)");
        assertThat(postBinary(String.format(ONE_IMAGE, ""), IMAGE_BYTES).status()).isEqualTo(200);
    }
}
