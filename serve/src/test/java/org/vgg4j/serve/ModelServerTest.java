package org.vgg4j.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.train.Evaluator;

/**
 * Every endpoint of the server on loopback, with two models: health, metadata, readiness, the model list, inference
 * (logits equal to the same weights' own session, bit for bit; probabilities their softmax), request ids, output
 * selection, nested data, the versioned paths, the page and the metrics.
 */
class ModelServerTest {
    private static ModelServer server;
    private static Http http;
    private static Session reference;

    @BeforeAll
    static void start() {
        server = ModelServer.start(List.of(TestModels.served("fashion", 1), TestModels.served("other", 2)),
                ServeOptions.defaults(0));
        http = new Http(server.uri());
        reference = TestModels.reference(1);
    }

    @AfterAll
    static void stop() {
        server.close();
        reference.close();
    }

    @Test
    void healthAndServerMetadata() {
        assertThat(http.get("v2/health/live").status()).isEqualTo(200);
        Http.Response ready = http.get("v2/health/ready");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(Json.parse(ready).get("ready").asBoolean()).isTrue();
        JsonNode meta = Json.parse(http.get("v2"));
        assertThat(meta.get("name").asText()).isEqualTo("vgg4j");
        assertThat(meta.has("version")).isTrue();
        assertThat(meta.get("extensions").isArray()).isTrue();
        Http.Response ping = http.get("ping");
        assertThat(ping.status()).isEqualTo(200);
        assertThat(Json.parse(ping).get("status").asText()).isEqualTo("Healthy");
    }

    @Test
    void modelMetadataListsInputsOutputsDatatypesAndShapes() {
        Http.Response r = http.get("v2/models/fashion");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/json");
        JsonNode m = Json.parse(r);
        assertThat(m.get("name").asText()).isEqualTo("fashion");
        assertThat(m.get("versions").get(0).asText()).isEqualTo("1");
        assertThat(m.get("platform").asText()).isEqualTo("vgg4j-onnx");
        JsonNode input = m.get("inputs").get(0);
        assertThat(input.get("name").asText()).isEqualTo("input");
        assertThat(input.get("datatype").asText()).isEqualTo("FP32");
        assertThat(input.get("shape").toString()).isEqualTo("[-1,1,32,32]");
        assertThat(m.get("outputs")).hasSize(2);
        assertThat(m.get("outputs").get(0).get("name").asText()).isEqualTo("logits");
        assertThat(m.get("outputs").get(1).get("name").asText()).isEqualTo("probabilities");
        assertThat(m.get("outputs").get(1).get("shape").toString()).isEqualTo("[-1,10]");
        assertThat(m.get("parameters").get("class_names").get(9).asText()).isEqualTo("Ankle boot");
        assertThat(http.get("v2/models/fashion/versions/1").body()).isEqualTo(r.body());
    }

    @Test
    void modelReadinessAndTheListOfModels() {
        Http.Response ready = http.get("v2/models/other/ready");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(Json.parse(ready).get("ready").asBoolean()).isTrue();
        assertThat(http.get("v2/models/other/versions/1/ready").status()).isEqualTo(200);
        JsonNode list = Json.parse(http.get("v2/models"));
        assertThat(list.get("models")).hasSize(2);
        assertThat(list.get("models").get(0).get("name").asText()).isEqualTo("fashion");
        assertThat(list.get("models").get(1).get("name").asText()).isEqualTo("other");
        assertThat(list.get("models").get(1).get("input_shape").toString()).isEqualTo("[1,32,32]");
    }

    @Test
    void inferenceReturnsTheSessionsLogitsExactlyAndTheirSoftmax() {
        Tensor images = Json.images(3, 11);
        Tensor expected = reference.predict(images);
        Http.Response r = http.postJson("v2/models/fashion/infer", Json.infer(images));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode body = Json.parse(r);
        assertThat(body.get("model_name").asText()).isEqualTo("fashion");
        assertThat(body.get("model_version").asText()).isEqualTo("1");
        assertThat(body.get("outputs").get(0).get("shape").toString()).isEqualTo("[3,10]");
        assertThat(body.get("outputs").get(0).get("datatype").asText()).isEqualTo("FP32");
        assertThat(Json.output(body, "logits")).containsExactly(expected.toArray());
        float[] p = Json.output(body, "probabilities");
        for (int row = 0; row < 3; row++) {
            double[] softmax = Evaluator.softmax(expected, row, 10);
            for (int c = 0; c < 10; c++) {
                assertThat(p[row * 10 + c]).isEqualTo((float) softmax[c]);
            }
        }
    }

    @Test
    void theOtherModelHasItsOwnWeights() {
        Tensor images = Json.images(1, 12);
        float[] a = Json.output(Json.parse(http.postJson("v2/models/fashion/infer", Json.infer(images))), "logits");
        float[] b = Json.output(Json.parse(http.postJson("v2/models/other/infer", Json.infer(images))), "logits");
        assertThat(a).isNotEqualTo(b);
        try (Session other = TestModels.reference(2)) {
            assertThat(b).containsExactly(other.predict(images).toArray());
        }
    }

    @Test
    void idIsEchoedOutputsCanBeChosenAndDataMayBeNested() {
        Tensor image = Json.images(1, 13);
        StringBuilder nested = new StringBuilder("[[[");
        for (int y = 0; y < 32; y++) {
            nested.append(y == 0 ? "[" : ",[");
            for (int x = 0; x < 32; x++) {
                nested.append(x == 0 ? "" : ",").append(image.get(y * 32 + x));
            }
            nested.append(']');
        }
        nested.append("]]]");
        String body = "{\"id\":\"req-7\",\"parameters\":{\"x\":1},\"inputs\":[{\"name\":\"input\",\"shape\":[1,1,32,32],"
                + "\"datatype\":\"FP32\",\"parameters\":{},\"data\":" + nested + "}],"
                + "\"outputs\":[{\"name\":\"probabilities\"}]}";
        Http.Response r = http.postJson("v2/models/fashion/versions/1/infer", body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode json = Json.parse(r);
        assertThat(json.get("id").asText()).isEqualTo("req-7");
        assertThat(json.get("outputs")).hasSize(1);
        double[] softmax = Evaluator.softmax(reference.predict(image), 0, 10);
        float[] p = Json.output(json, "probabilities");
        for (int c = 0; c < 10; c++) {
            assertThat(p[c]).isEqualTo((float) softmax[c]);
        }
    }

    @Test
    void thePageIsServedFromTheJarWithNothingFromElsewhere() {
        Http.Response page = http.get("");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(page.body()).contains("<script src=\"page.js\"></script>", "page.css", "id=\"top\"");
        Http.Response js = http.get("page.js");
        assertThat(js.contentType()).startsWith("text/javascript");
        assertThat(js.body()).contains("predictions/", "preprocess/");
        assertThat(http.get("page.css").contentType()).startsWith("text/css");
        for (String text : List.of(page.body(), js.body(), http.get("page.css").body())) {
            assertThat(text).doesNotContain("http://", "https://", "//cdn", "@import", "@font-face");
        }
    }

    @Test
    void metricsCountRequestsByModelEndpointAndStatusWithLatencyAndBatchSizes() {
        http.postJson("v2/models/other/infer", Json.infer(Json.images(2, 14)));
        http.get("v2/models/nope");
        Http.Response r = http.get("metrics");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("text/plain; version=0.0.4");
        assertThat(r.body())
                .containsPattern("vgg4j_requests_total\\{code=\"200\",endpoint=\"infer\",model=\"other\"} [1-9]")
                .containsPattern("vgg4j_requests_total\\{code=\"404\",endpoint=\"model_metadata\",model=\"\"} [1-9]")
                .contains("# TYPE vgg4j_request_duration_seconds histogram")
                .containsPattern("vgg4j_request_duration_seconds_count\\{endpoint=\"infer\",model=\"other\"} [1-9]")
                .contains("# TYPE vgg4j_batch_size histogram")
                .containsPattern("vgg4j_batch_size_bucket\\{model=\"other\",le=\"2.0\"} [1-9]")
                .containsPattern("vgg4j_inference_duration_seconds_count\\{model=\"other\"} [1-9]")
                .containsPattern("vgg4j_images_total\\{model=\"other\"} [2-9]")
                .contains("vgg4j_queue_images{model=\"fashion\"} 0.0");
    }
}
