package org.vgg4j.serve;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.IntSupplier;

/**
 * The server's Prometheus metrics, written in the Prometheus text format by {@link #write}: requests by model,
 * endpoint and status code, request latency, images per engine call, engine time per call, images served and the
 * queue length of each model. Thread-safe.
 *
 * <p>The names: {@value #REQUESTS}{@code _total} (counter; labels {@code model}, {@code endpoint}, {@code code}),
 * {@value #LATENCY} (histogram; {@code model}, {@code endpoint}), {@value #BATCH_SIZE} (histogram; {@code model}),
 * {@value #ENGINE_TIME} (histogram; {@code model}), {@value #IMAGES}{@code _total} (counter; {@code model}) and
 * {@value #QUEUE} (gauge; {@code model}). The {@code model} label is empty for requests that name no served model, so
 * unknown names cannot grow the label set.
 */
public final class ServerMetrics {
    /** Requests answered (a counter; exposed with the suffix {@code _total}). */
    public static final String REQUESTS = "vgg4j_requests";
    /** Seconds from a request's arrival to its answer. */
    public static final String LATENCY = "vgg4j_request_duration_seconds";
    /** Images per engine call: how well dynamic batching combines requests. */
    public static final String BATCH_SIZE = "vgg4j_batch_size";
    /** Seconds of each engine call. */
    public static final String ENGINE_TIME = "vgg4j_inference_duration_seconds";
    /** Images run through a model (a counter; exposed with the suffix {@code _total}). */
    public static final String IMAGES = "vgg4j_images";
    /** Images waiting for the engine. */
    public static final String QUEUE = "vgg4j_queue_images";

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Counter requests;
    private final Histogram latency;
    private final Histogram batchSize;
    private final Histogram engineTime;
    private final Counter images;
    private final Map<String, IntSupplier> queues = new ConcurrentSkipListMap<>();

    /** Empty metrics in a registry of their own. */
    public ServerMetrics() {
        requests = Counter.builder().name(REQUESTS).help("HTTP requests answered, by model, endpoint and status code")
                .labelNames("model", "endpoint", "code").register(registry);
        latency = Histogram.builder().name(LATENCY).help("Seconds from a request's arrival to its answer")
                .labelNames("model", "endpoint").classicOnly()
                .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
                .register(registry);
        batchSize = Histogram.builder().name(BATCH_SIZE).help("Images per engine call (dynamic batching)")
                .labelNames("model").classicOnly().classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256)
                .register(registry);
        engineTime = Histogram.builder().name(ENGINE_TIME).help("Seconds of each engine call")
                .labelNames("model").classicOnly()
                .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10)
                .register(registry);
        images = Counter.builder().name(IMAGES).help("Images run through the model").labelNames("model")
                .register(registry);
        GaugeWithCallback.builder().name(QUEUE).help("Images waiting for the engine").labelNames("model")
                .callback(cb -> queues.forEach((model, queued) -> cb.call(queued.getAsInt(), model)))
                .register(registry);
    }

    /**
     * Counts one answered request.
     *
     * @param model    the served model it named, or empty
     * @param endpoint the endpoint's label, e.g. {@code infer}
     * @param status   the HTTP status answered
     * @param seconds  from arrival to answer
     */
    public void request(String model, String endpoint, int status, double seconds) {
        requests.labelValues(model, endpoint, Integer.toString(status)).inc();
        latency.labelValues(model, endpoint).observe(seconds);
    }

    /**
     * Records one engine call.
     *
     * @param model   the model
     * @param count   images in the call
     * @param seconds how long the call took
     */
    public void batch(String model, int count, double seconds) {
        batchSize.labelValues(model).observe(count);
        engineTime.labelValues(model).observe(seconds);
        images.labelValues(model).inc(count);
    }

    /**
     * Exposes the queue length of a model, read at each scrape.
     *
     * @param model  the model
     * @param queued reads the images waiting now
     */
    public void queue(String model, IntSupplier queued) {
        queues.put(model, queued);
    }

    /**
     * The number of requests counted for these labels (for tests and logs).
     *
     * @param model    the model label
     * @param endpoint the endpoint label
     * @param status   the status code
     * @return the count so far
     */
    public long requests(String model, String endpoint, int status) {
        return requests.labelValues(model, endpoint, Integer.toString(status)).getLongValue();
    }

    /**
     * Writes every metric in the Prometheus text format (version 0.0.4).
     *
     * @param out where to write
     * @throws IOException if {@code out} fails
     */
    public void write(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }

    /**
     * The content type of {@link #write}'s output.
     *
     * @return {@code text/plain; version=0.0.4; charset=utf-8}
     */
    public String contentType() {
        return writer.getContentType();
    }
}
