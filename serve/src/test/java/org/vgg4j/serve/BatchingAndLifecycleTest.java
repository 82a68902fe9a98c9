package org.vgg4j.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.spi.Session;
import org.vgg4j.datasets.FashionMnist;

/**
 * Dynamic batching (concurrent requests share engine calls, each gets its own rows), the queue limit, the request
 * timeout, an engine failure (a 500 for that batch only; the server goes on), and the drain on close: requests in
 * flight are answered, readiness turns 503, then the port is closed and the sessions too.
 */
class BatchingAndLifecycleTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private static CompletableFuture<HttpResponse<String>> inferAsync(URI base, String model, Tensor images) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("v2/models/" + model + "/infer"))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.infer(images))).build();
        return CLIENT.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static GatedSession gated(long seed) {
        return new GatedSession(TestModels.reference(seed));
    }

    private static ServedModel model(String name, Session session) {
        return new ServedModel(name, session, FashionMnist.CLASS_NAMES, "onnx", "test");
    }

    private static double metric(String text, String regex) {
        Matcher m = Pattern.compile(regex + " ([0-9.eE+-]+)").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void concurrentRequestsShareEngineCallsAndEachGetsItsOwnRows() throws Exception {
        GatedSession session = gated(1);
        // The gate holds the first call until all eight requests are queued behind it, so the next calls batch them.
        try (ModelServer server = ModelServer.start(List.of(model("m", session)),
                ServeOptions.defaults(0).withBatching(8, 50));
                Session reference = TestModels.reference(1)) {
            List<Tensor> inputs = new ArrayList<>();
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            inputs.add(Json.images(1, 100));
            answers.add(inferAsync(server.uri(), "m", inputs.get(0)));
            assertThat(session.awaitEntered(30_000)).isTrue();
            for (int i = 1; i <= 8; i++) {
                inputs.add(Json.images(1, 100 + i));
                answers.add(inferAsync(server.uri(), "m", inputs.get(i)));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (server.models().get("m").batcher().queued() < 8 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            session.open();
            for (int i = 0; i < answers.size(); i++) {
                HttpResponse<String> r = answers.get(i).get(60, TimeUnit.SECONDS);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                float[] got = Json.output(Json.parse(new Http.Response(200, "", r.body().getBytes(
                        StandardCharsets.UTF_8), r.headers())), "logits");
                float[] want = reference.predict(inputs.get(i)).toArray();
                for (int c = 0; c < 10; c++) {
                    // A row computed inside a batch may round differently from the same row alone.
                    assertThat((double) got[c]).isCloseTo(want[c], org.assertj.core.data.Offset.offset(1e-5));
                }
            }
            assertThat(session.calls()).isEqualTo(2); // the first request alone, then the eight together
            String metrics = new Http(server.uri()).get("metrics").body();
            assertThat(metric(metrics, "vgg4j_batch_size_bucket\\{model=\"m\",le=\"1.0\"}")).isEqualTo(1);
            assertThat(metric(metrics, "vgg4j_batch_size_bucket\\{model=\"m\",le=\"8.0\"}")).isEqualTo(2);
            assertThat(metric(metrics, "vgg4j_batch_size_sum\\{model=\"m\"}")).isEqualTo(9);
        }
    }

    @Test
    void aLoneRequestDoesNotWaitOutTheMaxDelayWhenNothingElseIsOnItsWay() throws Exception {
        GatedSession session = gated(1);
        session.open();
        // A 20 s --max-delay-ms: before, a lone request waited all of it for others to join; now its call starts as
        // soon as no other request is queued or being read.
        try (ModelServer server = ModelServer.start(List.of(model("m", session)),
                ServeOptions.defaults(0).withBatching(32, 20_000))) {
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                HttpResponse<String> r = inferAsync(server.uri(), "m", Json.images(1, i)).get(60, TimeUnit.SECONDS);
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(ms).as("answer time of lone request %d", i).isLessThan(10_000);
            }
            assertThat(session.calls()).isEqualTo(3);
        }
    }

    @Test
    void maxBatchOneComputesEveryRequestAlone() throws Exception {
        GatedSession session = gated(1);
        session.open();
        try (ModelServer server = ModelServer.start(List.of(model("m", session)),
                ServeOptions.defaults(0).withBatching(1, 50))) {
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                answers.add(inferAsync(server.uri(), "m", Json.images(1, i)));
            }
            for (CompletableFuture<HttpResponse<String>> a : answers) {
                assertThat(a.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }
            assertThat(session.calls()).isEqualTo(6);
        }
    }

    @Test
    void aFullQueueIsRefusedWith503AndTheQueuedRequestsStillComplete() throws Exception {
        GatedSession session = gated(1);
        try (ModelServer server = ModelServer.start(List.of(model("m", session)),
                ServeOptions.defaults(0).withBatching(1, 0).withLimits(1 << 20, 1 << 20, 60_000, 2))) {
            CompletableFuture<HttpResponse<String>> running = inferAsync(server.uri(), "m", Json.images(1, 1));
            assertThat(session.awaitEntered(30_000)).isTrue();
            CompletableFuture<HttpResponse<String>> queued = inferAsync(server.uri(), "m", Json.images(2, 2));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (server.models().get("m").batcher().queued() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            HttpResponse<String> refused = inferAsync(server.uri(), "m", Json.images(1, 3)).get(60, TimeUnit.SECONDS);
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.body()).contains("overloaded", "--max-queue");
            session.open();
            assertThat(running.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(queued.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aRequestNotAnsweredInTimeGets503AndTheServerGoesOn() throws Exception {
        GatedSession session = gated(1);
        try (ModelServer server = ModelServer.start(List.of(model("m", session)),
                ServeOptions.defaults(0).withLimits(1 << 20, 1 << 20, 300, 64))) {
            HttpResponse<String> late = inferAsync(server.uri(), "m", Json.images(1, 1)).get(60, TimeUnit.SECONDS);
            assertThat(late.statusCode()).isEqualTo(503);
            assertThat(late.body()).contains("did not answer within 300 ms", "--timeout-ms");
            session.open();
            assertThat(inferAsync(server.uri(), "m", Json.images(1, 2)).get(60, TimeUnit.SECONDS).statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void anEngineFailureIsA500ForThatBatchOnlyAndTheServerGoesOn() throws Exception {
        GatedSession session = gated(1);
        session.open();
        try (ModelServer server = ModelServer.start(List.of(model("m", session)), ServeOptions.defaults(0))) {
            session.failWith(new IllegalStateException("simulated engine fault"));
            HttpResponse<String> failed = inferAsync(server.uri(), "m", Json.images(1, 1)).get(60, TimeUnit.SECONDS);
            assertThat(failed.statusCode()).isEqualTo(500);
            assertThat(failed.body()).contains("inference failed on model 'm'", "simulated engine fault");
            session.failWith(null);
            assertThat(inferAsync(server.uri(), "m", Json.images(1, 2)).get(60, TimeUnit.SECONDS).statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void closeDrainsTheRequestsInFlightThenClosesThePortAndTheSessions() throws Exception {
        GatedSession session = gated(1);
        // One image per engine call, so the two requests behind the first stay countable in the queue.
        ModelServer server = ModelServer.start(List.of(model("m", session)), ServeOptions.defaults(0).withBatching(1, 0));
        URI base = server.uri();
        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            inFlight.add(inferAsync(base, "m", Json.images(1, i)));
        }
        assertThat(session.awaitEntered(30_000)).isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (server.models().get("m").batcher().queued() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
        Thread.sleep(300);
        assertThat(closing).isNotDone(); // waiting for the requests in flight
        session.open();
        closing.get(60, TimeUnit.SECONDS);
        for (CompletableFuture<HttpResponse<String>> r : inFlight) {
            HttpResponse<String> answer = r.get(60, TimeUnit.SECONDS);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        }
        assertThat(session.closed()).isTrue();
        assertThatThrownBy(() -> inferAsync(base, "m", Json.images(1, 9)).get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(ConnectException.class);
        server.awaitStop();
    }
}
