package org.vgg4j.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every client mistake gets a 4xx status with {@code {"error": "..."}} naming what was wrong, never a 500, and the
 * server keeps serving afterwards: malformed JSON, wrong shapes, datatypes, names and counts, unknown models, routes,
 * versions and methods, bodies over the limit (declared or streamed), images over the pixel limit (refused from the
 * header), undecodable images, empty and malformed uploads, bad query parameters.
 */
class ClientErrorsTest {
    private static final String INPUT = "{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,1,32,32],\"data\":";
    private static ModelServer server;
    private static Http http;

    @BeforeAll
    static void start() {
        server = ModelServer.start(List.of(TestModels.served("fashion", 1)),
                ServeOptions.defaults(0).withLimits(64 * 1024, 100 * 100, 30_000, 1024));
        http = new Http(server.uri());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String zeros(int n) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "0" : ",0");
        }
        return sb.append(']').toString();
    }

    private static void assertError(Http.Response r, int status, String... fragments) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/json");
        assertThat(Json.parse(r).get("error").asText()).contains(fragments);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "malformed JSON            | {\"inputs\": [                  | malformed JSON",
        "not an object             | [1, 2]                          | must be a JSON object",
        "trailing content          | {} {}                           | after the JSON object",
        "no inputs                 | {\"id\": \"x\"}                 | no \"inputs\"",
        "inputs not an array       | {\"inputs\": 3}                 | must be an array",
        "input not an object       | {\"inputs\": [3]}               | must be an object",
        "two inputs                | {\"inputs\": [{}, {}]}          | exactly one input",
        "no name                   | {\"inputs\": [{\"datatype\":\"FP32\"}]} | no \"name\"",
        "wrong name                | {\"inputs\": [{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,1,32,32],\"data\":[]}]} | unknown input 'x'",
        "name not a string         | {\"inputs\": [{\"name\":5}]}    | must be a string",
        "wrong datatype            | {\"inputs\": [{\"name\":\"input\",\"datatype\":\"INT64\",\"shape\":[1,1,32,32],\"data\":[]}]} | datatype INT64",
        "no datatype               | {\"inputs\": [{\"name\":\"input\",\"shape\":[1,1,32,32],\"data\":[]}]} | no \"datatype\"",
        "no shape                  | {\"inputs\": [{\"name\":\"input\",\"datatype\":\"FP32\",\"data\":[]}]} | no \"shape\"",
        "wrong rank                | {\"inputs\": [{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,32,32],\"data\":[]}]} | shape [1, 32, 32]",
        "wrong size                | {\"inputs\": [{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,1,28,28],\"data\":[]}]} | takes [N, 1, 32, 32]",
        "zero batch                | {\"inputs\": [{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[0,1,32,32],\"data\":[]}]} | N >= 1",
        "negative batch            | {\"inputs\": [{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[-2,1,32,32],\"data\":[]}]} | N >= 1",
        "shape of strings          | {\"inputs\": [{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[\"1\"],\"data\":[]}]} | must hold integers",
        "huge batch                | {\"inputs\": [{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[99999999999,1,32,32],\"data\":[1]}]} | needs",
        "too few values            | {\"inputs\": [{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,1,32,32],\"data\":[1,2,3]}]} | has 3 data values",
        "a string in data          | {\"inputs\": [{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,1,32,32],\"data\":[1,\"a\"]}]} | element 1 is the string",
        "null in data              | {\"inputs\": [{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,1,32,32],\"data\":[null]}]} | element 0 is null",
        "data not an array         | {\"inputs\": [{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,1,32,32],\"data\":{}}]} | must be an array of numbers",
        "float overflow            | {\"inputs\": [{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,1,32,32],\"data\":[1e39]}]} | not a finite FP32",
        "deep nesting              | {\"inputs\": [{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,1,32,32],\"data\":[[[[[[[[[[1]]]]]]]]]]}]} | nested deeper",
        "no data                   | {\"inputs\": [{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,1,32,32]}]} | no \"data\"",
        "binary extension          | {\"inputs\": [{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,1,32,32],\"parameters\":{\"binary_data_size\":4096}}]} | has no Inference-Header-Content-Length header",
        "unknown output            | {\"inputs\": [], \"outputs\": [{\"name\":\"features\"}]} | unknown output 'features'",
        "output without a name     | {\"inputs\": [], \"outputs\": [{}]} | has no \"name\"",
        "empty body                | ``                              | body is empty",
    })
    void malformedOrMisfittingInferenceRequestsAre400(String what, String body, String fragment) {
        assertError(http.postJson("v2/models/fashion/infer", body), 400, fragment);
    }

    @Test
    void aCorrectRequestStillWorksAfterEveryError() {
        String ok = "{\"inputs\":[" + INPUT + zeros(1024) + "}]}";
        assertThat(http.postJson("v2/models/fashion/infer", ok).status()).isEqualTo(200);
    }

    @Test
    void unknownModelsRoutesVersionsAndMethods() {
        assertError(http.get("v2/models/nope"), 404, "unknown model 'nope'", "[fashion]");
        assertError(http.get("v2/models/nope/ready"), 404, "unknown model 'nope'");
        assertError(http.postJson("v2/models/nope/infer", "{}"), 404, "unknown model 'nope'");
        assertError(http.post("predictions/nope", "image/png", new byte[] {1}), 404, "unknown model 'nope'");
        assertError(http.post("preprocess/nope", "image/png", new byte[] {1}), 404, "unknown model 'nope'");
        assertError(http.get("v2/models/fashion/versions/3"), 404, "no version '3'");
        assertError(http.postJson("v2/models/fashion/versions/3/infer", "{}"), 404, "no version '3'");
        assertError(http.get("v2/nothing/here"), 404, "no endpoint GET /v2/nothing/here");
        assertError(http.get("v2/models/fashion/infer"), 405, "method GET is not allowed");
        assertError(http.postJson("v2/health/live", "{}"), 405, "method POST is not allowed");
    }

    @Test
    void bodiesOverTheLimitAre413WhetherDeclaredOrStreamed() {
        byte[] big = ("{\"inputs\":[" + INPUT + zeros(40_000) + "}]}").getBytes(StandardCharsets.UTF_8);
        assertThat(big.length).isGreaterThan(64 * 1024);
        assertError(http.post("v2/models/fashion/infer", "application/json", big), 413, "limit is 65536",
                "--max-body-bytes");
        Http.Response chunked = http.send(HttpRequest.newBuilder(server.uri().resolve("v2/models/fashion/infer"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))));
        assertError(chunked, 413, "more than 65536");
        assertError(http.post("predictions/fashion", "image/png", big), 413, "--max-body-bytes");
    }

    @Test
    void imagesOverThePixelLimitAreRefusedFromTheHeaderBeforeDecoding() throws IOException {
        byte[] bomb = pngHeaderOnly(50_000, 50_000);
        assertThat(bomb.length).isLessThan(100);
        assertError(http.post("predictions/fashion", "image/png", bomb), 413, "50000 x 50000", "limit of 10,000 pixels",
                "--max-pixels");
        assertError(http.post("preprocess/fashion", "image/png", bomb), 413, "--max-pixels");
    }

    @Test
    void undecodableAndMissingImagesAre400() throws IOException {
        assertError(http.post("predictions/fashion", "image/png", "not an image".getBytes(StandardCharsets.UTF_8)),
                400, "cannot decode the image");
        byte[] truncated = java.util.Arrays.copyOf(pngHeaderOnly(20, 20), 30);
        assertError(http.post("predictions/fashion", "image/png", truncated), 400, "cannot decode the image");
        byte[] corrupt = pngHeaderOnly(20, 20); // an IHDR and no IDAT
        assertError(http.post("predictions/fashion", "image/png", corrupt), 400, "cannot decode the image");
        assertError(http.post("predictions/fashion", "image/png", new byte[0]), 400, "has no image");
        assertError(http.post("predictions/fashion", "multipart/form-data; boundary=xyz",
                "--xyz\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--xyz--\r\n"
                        .getBytes(StandardCharsets.UTF_8)), 400, "no file part");
        assertError(http.post("predictions/fashion", "multipart/form-data; boundary=xyz",
                "--xyz\r\nthis is not multipart".getBytes(StandardCharsets.UTF_8)), 400, "multipart");
    }

    @Test
    void badQueryParametersAre400() {
        byte[] png = TestImages.greyPng(32, 32, 3);
        assertError(http.post("predictions/fashion?topk=0", "image/png", png), 400, "topk must be an integer from 1 to 10");
        assertError(http.post("predictions/fashion?topk=11", "image/png", png), 400, "topk");
        assertError(http.post("predictions/fashion?topk=x", "image/png", png), 400, "got 'x'");
        assertError(http.post("predictions/fashion?invert=maybe", "image/png", png), 400, "invert must be true or false");
        assertThat(http.post("predictions/fashion?topk=10&invert=true", "image/png", png).status()).isEqualTo(200);
    }

    /** A PNG signature and an IHDR chunk declaring {@code w x h} 8-bit grey, and nothing else. */
    static byte[] pngHeaderOnly(int w, int h) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(17);
        ihdr.put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(w).putInt(h)
                .put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        out.write(ByteBuffer.allocate(4).putInt(13).array());
        out.write(ihdr.array());
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        return out.toByteArray();
    }
}
