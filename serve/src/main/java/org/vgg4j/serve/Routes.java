package org.vgg4j.serve;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vgg4j.core.Tensor;
import org.vgg4j.serve.ModelServer.ModelRuntime;

/**
 * The endpoints of a {@link ModelServer}.
 *
 * <ul>
 *   <li>Open Inference Protocol (KServe v2 REST): {@code GET /v2}, {@code GET /v2/health/live},
 *       {@code GET /v2/health/ready}, {@code GET /v2/models/{m}[/versions/1]} (metadata),
 *       {@code GET /v2/models/{m}[/versions/1]/ready}, {@code POST /v2/models/{m}[/versions/1]/infer};</li>
 *   <li>vgg4j's list of models: {@code GET /v2/models};</li>
 *   <li>TorchServe style: {@code POST /predictions/{m}[/1]} (an image; {@code ?topk=K}, {@code ?invert=true}) and
 *       {@code GET /ping};</li>
 *   <li>the model's view of an image as a PNG: {@code POST /preprocess/{m}};</li>
 *   <li>Prometheus: {@code GET /metrics}; the page: {@code GET /}, {@code /page.js}, {@code /page.css}.</li>
 * </ul>
 */
final class Routes {
    private static final Logger LOG = LoggerFactory.getLogger(Routes.class);
    private static final String JSON = "application/json";
    private static final String OCTET_STREAM = "application/octet-stream";
    private static final int DEFAULT_TOP_K = 5;

    /** One endpoint: method, Javalin path, metrics label and handler. */
    record Route(HandlerType method, String path, String endpoint, Handler handler) {
    }

    private final ModelServer server;
    private final RequestBodies bodies;
    private final PageAssets page = new PageAssets();

    Routes(ModelServer server) {
        this.server = server;
        this.bodies = new RequestBodies(server.options().maxBodyBytes());
    }

    /** Every endpoint. */
    List<Route> all() {
        List<Route> r = new ArrayList<>();
        for (String path : page.paths()) {
            r.add(new Route(HandlerType.GET, path, "page", ctx -> {
                PageAssets.Asset a = page.get(path).orElseThrow();
                ctx.contentType(a.contentType()).header("Cache-Control", "no-cache").result(a.bytes());
            }));
        }
        r.add(new Route(HandlerType.GET, "/ping", "health", this::ping));
        r.add(new Route(HandlerType.GET, "/v2", "server_metadata", this::serverMetadata));
        r.add(new Route(HandlerType.GET, "/v2/health/live", "health", this::live));
        r.add(new Route(HandlerType.GET, "/v2/health/ready", "health", this::ready));
        r.add(new Route(HandlerType.GET, "/v2/models", "models", this::listModels));
        for (String base : List.of("/v2/models/{model}", "/v2/models/{model}/versions/{version}")) {
            r.add(new Route(HandlerType.GET, base, "model_metadata", this::modelMetadata));
            r.add(new Route(HandlerType.GET, base + "/ready", "model_ready", this::modelReady));
            r.add(new Route(HandlerType.POST, base + "/infer", "infer", this::infer));
        }
        r.add(new Route(HandlerType.POST, "/predictions/{model}", "predictions", this::predictions));
        r.add(new Route(HandlerType.POST, "/predictions/{model}/{version}", "predictions", this::predictions));
        r.add(new Route(HandlerType.POST, "/preprocess/{model}", "preprocess", this::preprocess));
        r.add(new Route(HandlerType.GET, "/metrics", "metrics", this::metrics));
        return r;
    }

    private void ping(Context ctx) {
        json(ctx, server.draining() ? 503 : 200, Map.of("status", server.draining() ? "Unhealthy" : "Healthy"));
    }

    private void serverMetadata(Context ctx) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "vgg4j");
        m.put("version", version());
        m.put("extensions", List.of("binary_tensor_data"));
        json(ctx, 200, m);
    }

    private void live(Context ctx) {
        json(ctx, 200, Map.of("live", true));
    }

    private void ready(Context ctx) {
        boolean ready = !server.draining();
        json(ctx, ready ? 200 : 503, Map.of("ready", ready));
    }

    private void listModels(Context ctx) {
        List<Object> list = new ArrayList<>();
        for (ModelRuntime m : server.models().values()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", m.model().name());
            entry.put("platform", "vgg4j-" + m.model().platform());
            entry.put("input_shape", m.model().sampleShape().dims());
            entry.put("ready", !server.draining());
            list.add(entry);
        }
        json(ctx, 200, Map.of("models", list));
    }

    private void modelMetadata(Context ctx) {
        ModelRuntime m = model(ctx);
        ctx.contentType(JSON).result(ProtocolJson.modelMetadata(m.model()));
    }

    private void modelReady(Context ctx) {
        ModelRuntime m = model(ctx);
        boolean ready = !server.draining();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", m.model().name());
        body.put("ready", ready);
        json(ctx, ready ? 200 : 503, body);
    }

    private void infer(Context ctx) {
        long start = System.nanoTime();
        ModelRuntime m = model(ctx);
        refuseWhileDraining();
        m.batcher().reading(() -> {
            InferRequest request = m.reader().read(bodies.read(ctx), ctx.header(InferRequestReader.HEADER_LENGTH));
            respond(ctx, m, request.input(), start, (c, logits) -> {
                ProtocolJson.InferBody body = ProtocolJson.inferResponse(m.model(), request, logits);
                if (body.binary()) {
                    c.header(InferRequestReader.HEADER_LENGTH, Integer.toString(body.jsonLength()))
                            .contentType(OCTET_STREAM);
                } else {
                    c.contentType(JSON);
                }
                c.result(body.bytes());
            });
            return null;
        });
    }

    private void predictions(Context ctx) {
        long start = System.nanoTime();
        ModelRuntime m = model(ctx);
        refuseWhileDraining();
        int k = topK(ctx, m.model().classes());
        m.batcher().reading(() -> {
            Tensor input = image(ctx, m);
            respond(ctx, m, input, start,
                    (c, logits) -> c.contentType(JSON).result(ProtocolJson.topK(m.model(), logits, k)));
            return null;
        });
    }

    private void preprocess(Context ctx) {
        ModelRuntime m = model(ctx);
        refuseWhileDraining();
        ctx.contentType("image/png").result(ImagePreprocessing.toPng(image(ctx, m)));
    }

    private void metrics(Context ctx) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            server.metrics().write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ctx.contentType(server.metrics().contentType()).result(out.toByteArray());
    }

    private Tensor image(Context ctx, ModelRuntime m) {
        boolean invert = flag(ctx, "invert");
        byte[] bytes = bodies.image(ctx);
        return ImagePreprocessing.toInput(bytes, m.model().sampleShape(), invert, server.options().maxPixels());
    }

    /**
     * Queues {@code input} on the model's batcher and answers asynchronously: {@code render}'s bytes when the logits
     * come, else the error (503 on timeout), serialised on Jetty's threads rather than the batcher's.
     */
    private void respond(Context ctx, ModelRuntime m, Tensor input, long startNanos,
            BiConsumer<Context, Tensor> answer) {
        long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(server.options().timeoutMs());
        long deadline = startNanos + timeoutNanos;
        CompletableFuture<Tensor> logits = m.batcher().submit(input, deadline);
        long left = Math.max(1, deadline - System.nanoTime());
        ctx.future(() -> logits.orTimeout(left, TimeUnit.NANOSECONDS).handleAsync((out, failure) -> {
            if (failure == null) {
                answer.accept(ctx, out);
            } else {
                answerFailure(ctx, m, failure);
            }
            return null;
        }, server.responseExecutor()));
    }

    private void answerFailure(Context ctx, ModelRuntime m, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof ApiException api) {
            ModelServer.error(ctx, api.status(), api.getMessage());
        } else if (cause instanceof TimeoutException) {
            // The engine call for this request is still running; the connection is closed after the answer so that
            // a client does not race the server's clean-up by reusing it.
            ctx.header("Connection", "close");
            ModelServer.error(ctx, ApiException.UNAVAILABLE, "model '" + m.model().name() + "' did not answer within "
                    + server.options().timeoutMs() + " ms (--timeout-ms); retry later");
        } else {
            LOG.error("model '{}': inference failed", m.model().name(), cause);
            ModelServer.error(ctx, 500, "inference failed on model '" + m.model().name() + "': " + cause);
        }
    }

    private ModelRuntime model(Context ctx) {
        String name = ctx.pathParam("model");
        ModelRuntime m = server.models().get(name);
        if (m == null) {
            throw new ApiException(ApiException.NOT_FOUND, "unknown model '" + name + "'; this server serves "
                    + server.models().keySet());
        }
        ctx.attribute(ModelServer.MODEL, name);
        String version = ctx.pathParamMap().get("version");
        if (version != null && !version.equals(ProtocolJson.VERSION)) {
            throw new ApiException(ApiException.NOT_FOUND, "model '" + name + "' has no version '" + version
                    + "'; its only version is " + ProtocolJson.VERSION);
        }
        return m;
    }

    private void refuseWhileDraining() {
        if (server.draining()) {
            throw new ApiException(ApiException.UNAVAILABLE, "the server is shutting down");
        }
    }

    private static int topK(Context ctx, int classes) {
        String raw = ctx.queryParam("topk");
        if (raw == null) {
            return Math.min(DEFAULT_TOP_K, classes);
        }
        try {
            int k = Integer.parseInt(raw.trim());
            if (k >= 1 && k <= classes) {
                return k;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ApiException(ApiException.BAD_REQUEST, "topk must be an integer from 1 to " + classes + ", got '"
                + raw + "'");
    }

    private static boolean flag(Context ctx, String name) {
        String raw = ctx.queryParam(name);
        if (raw == null) {
            return false;
        }
        return switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "", "1", "true", "yes" -> true;
            case "0", "false", "no" -> false;
            default -> throw new ApiException(ApiException.BAD_REQUEST, name + " must be true or false, got '" + raw
                    + "'");
        };
    }

    /** The version in this jar's manifest; {@code unknown} when run from classes. */
    private static String version() {
        String v = Routes.class.getPackage().getImplementationVersion();
        return v == null ? "unknown" : v;
    }

    private static void json(Context ctx, int status, Object body) {
        ctx.status(status).contentType(JSON).result(ProtocolJson.write(body));
    }
}
