package org.vgg4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vgg4j serve} as a user runs it: option mistakes are one-line usage errors (exit 2) before anything starts,
 * an unreadable model is a failure naming it (exit 1), and a real server process drains the requests in flight on
 * SIGTERM, answers every one of them, then exits with 143.
 */
class ServeCommandTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @TempDir
    Path dir;

    @Test
    void optionMistakesAreUsageErrorsNamingTheOption() {
        Path cp = ServeFixtures.checkpoint(dir, 1);
        CliRun spec = CliRun.of("serve", "--model", "fashion");
        assertThat(spec.exit()).isEqualTo(2);
        assertThat(spec.err()).contains("--model fashion: expected NAME=PATH").doesNotContain("Exception");
        CliRun twice = CliRun.of("serve", "--model", "a=" + cp, "--model", "a=" + cp);
        assertThat(twice.exit()).isEqualTo(2);
        assertThat(twice.err()).contains("--model a is given twice");
        CliRun batch = CliRun.of("serve", "--model", "a=" + cp, "--max-batch", "0");
        assertThat(batch.exit()).isEqualTo(2);
        assertThat(batch.err()).contains("--max-batch", "must be >= 1, got 0");
        CliRun port = CliRun.of("serve", "--model", "a=" + cp, "--port", "70000");
        assertThat(port.exit()).isEqualTo(2);
        assertThat(port.err()).contains("--port", "0..65535");
        CliRun name = CliRun.of("serve", "--model", "a/b=" + cp, "--backend", "onnx");
        assertThat(name.exit()).isEqualTo(2);
        assertThat(name.err()).contains("model name 'a/b' is not allowed");
        CliRun threads = CliRun.of("serve", "--model", "a=" + cp, "--engine-threads", "-1");
        assertThat(threads.exit()).isEqualTo(2);
        assertThat(threads.err().strip()).isEqualTo("error: --engine-threads must be from 0 to 4096, got -1");
        CliRun none = CliRun.of("serve");
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("--model");
    }

    @Test
    void engineThreadsReachTheEngineAndTheServerAnswers() throws Exception {
        Path cp = ServeFixtures.checkpoint(dir, 3);
        // ONNX Runtime's session options are logged at debug level by the backend itself (OrtRuntime).
        try (ServeFixtures.ServeProcess serve = ServeFixtures.ServeProcess.start(
                List.of("-Dorg.slf4j.simpleLogger.log.org.vgg4j.backend.onnx.OrtRuntime=debug"), "--model", "m=" + cp,
                "--backend", "onnx", "--engine-threads", "3")) {
            HttpResponse<String> answer = CLIENT.send(infer(serve, 5), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(answer.body()).contains("\"model_name\":\"m\"", "\"logits\"");
            assertThat(serve.output()).contains("on onnx (3 engine threads)", "(3 intra-op threads, not spinning");
        }
    }

    @Test
    void aModelThatCannotBeReadIsAFailureNamingIt() {
        Path missing = dir.resolve("nothing-here");
        CliRun r = CliRun.of("serve", "--model", "a=" + missing);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("nothing-here").doesNotContain("Exception");
        CliRun onnx = CliRun.of("serve", "--model", "a=" + dir.resolve("nothing.onnx"));
        assertThat(onnx.exit()).isEqualTo(1);
        assertThat(onnx.err()).contains("nothing.onnx");
    }

    @Test
    void sigtermAnswersTheRequestsInFlightThenExits143() throws Exception {
        Path cp = ServeFixtures.checkpoint(dir, 2);
        // A batch starts once no other request is queued or being read, or after --max-delay-ms: one request whose
        // body arrives slowly (half now, half after SIGTERM) keeps the four complete ones below queued, so that all
        // five are in flight when SIGTERM comes.
        try (ServeFixtures.ServeProcess serve = ServeFixtures.ServeProcess.start("--model", "m=" + cp,
                "--backend", "onnx", "--max-batch", "64", "--max-delay-ms", "20000");
             java.net.Socket slow = new java.net.Socket(serve.uri().getHost(), serve.uri().getPort())) {
            byte[] body = inferBody(99).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            java.io.OutputStream slowOut = slow.getOutputStream();
            slowOut.write(("POST /v2/models/m/infer HTTP/1.1\r\nHost: " + serve.uri().getHost() + "\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n"
                    + "Connection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            slowOut.write(body, 0, body.length / 2);
            slowOut.flush();
            Thread.sleep(500);
            List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                inFlight.add(CLIENT.sendAsync(infer(serve, i), HttpResponse.BodyHandlers.ofString()));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (queued(serve) < 4 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(queued(serve)).as(serve.output()).isEqualTo(4);
            new ProcessBuilder("kill", "-TERM", Long.toString(serve.process.pid())).start().waitFor();
            Thread.sleep(300);
            slowOut.write(body, body.length / 2, body.length - body.length / 2);
            slowOut.flush();
            String slowAnswer = new String(slow.getInputStream().readAllBytes(),
                    java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(slowAnswer).startsWith("HTTP/1.1 200").contains("\"model_name\":\"m\"", "\"logits\"");
            for (CompletableFuture<HttpResponse<String>> r : inFlight) {
                HttpResponse<String> answer = r.get(60, TimeUnit.SECONDS);
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                assertThat(answer.body()).contains("\"model_name\":\"m\"", "\"logits\"");
            }
            assertThat(serve.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(serve.process.exitValue()).as(serve.output()).isEqualTo(143);
            assertThat(serve.output()).contains("draining the requests in flight").doesNotContain("Exception");
            CompletableFuture<HttpResponse<String>> after = CLIENT.sendAsync(infer(serve, 9),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(after).failsWithin(Duration.ofSeconds(30)).withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(ConnectException.class);
        }
    }

    private static String inferBody(long seed) {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder("{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\","
                + "\"shape\":[1,1,32,32],\"data\":[");
        for (int i = 0; i < 1024; i++) {
            sb.append(i == 0 ? "" : ",").append(r.nextFloat());
        }
        return sb.append("]}]}").toString();
    }

    private static HttpRequest infer(ServeFixtures.ServeProcess serve, long seed) {
        return HttpRequest.newBuilder(serve.uri().resolve("v2/models/m/infer")).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(inferBody(seed)))
                .build();
    }

    private static int queued(ServeFixtures.ServeProcess serve) throws Exception {
        String metrics = CLIENT.send(HttpRequest.newBuilder(serve.uri().resolve("metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("vgg4j_queue_images\\{model=\"m\"} ([0-9.]+)").matcher(metrics);
        return m.find() ? (int) Double.parseDouble(m.group(1)) : -1;
    }
}
