package org.vgg4j.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A bounded version of the load benchmark (benchmarks/README.md): 8 clients send inference requests as fast as they
 * can for about 3 seconds. Every answer must be a 200 with one row of 10 logits, and the metrics must account for
 * every request and every image. Speed is not asserted (the machine is shared); the benchmark measures it.
 */
class ShortLoadTest {
    private static final int CLIENTS = 8;
    private static final long SECONDS = 3;

    @Test
    void concurrentClientsGetNoErrorsAndTheMetricsAccountForEveryRequest() throws Exception {
        try (ModelServer server = ModelServer.start(List.of(TestModels.served("m", 1)), ServeOptions.defaults(0))) {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            HttpRequest request = HttpRequest.newBuilder(server.uri().resolve("v2/models/m/infer"))
                    .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Json.infer(Json.images(1, 5)))).build();
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
            List<Future<int[]>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                clients.add(pool.submit(() -> {
                    int ok = 0;
                    int bad = 0;
                    while (System.nanoTime() < end) {
                        HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200 && r.body().contains("\"shape\":[1,10]")) {
                            ok++;
                        } else {
                            bad++;
                        }
                    }
                    return new int[] {ok, bad};
                }));
            }
            int ok = 0;
            int bad = 0;
            for (Future<int[]> f : clients) {
                int[] r = f.get(120, TimeUnit.SECONDS);
                ok += r[0];
                bad += r[1];
            }
            pool.shutdown();
            assertThat(bad).isZero();
            assertThat(ok).isGreaterThanOrEqualTo(CLIENTS);
            String metrics = new Http(server.uri()).get("metrics").body();
            assertThat(value(metrics, "vgg4j_requests_total\\{code=\"200\",endpoint=\"infer\",model=\"m\"}"))
                    .isEqualTo(ok);
            assertThat(value(metrics, "vgg4j_batch_size_sum\\{model=\"m\"}")).isEqualTo(ok);
            assertThat(value(metrics, "vgg4j_images_total\\{model=\"m\"}")).isEqualTo(ok);
            assertThat(value(metrics, "vgg4j_batch_size_count\\{model=\"m\"}")).isBetween(1.0, (double) ok);
            assertThat(value(metrics, "vgg4j_queue_images\\{model=\"m\"}")).isZero();
        }
    }

    private static double value(String metrics, String series) {
        Matcher m = Pattern.compile(series + " ([0-9.eE+-]+)").matcher(metrics);
        assertThat(m.find()).as(series).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
