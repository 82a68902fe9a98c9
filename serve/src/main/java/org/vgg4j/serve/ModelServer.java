package org.vgg4j.serve;

import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vgg4j.core.Vgg4jException;

/**
 * An HTTP server for one or more {@link ServedModel}s: the Open Inference Protocol (KServe v2 REST) for tensors, a
 * TorchServe-style endpoint for images, Prometheus metrics and a drop-an-image page, with dynamic batching per model.
 * Built on Javalin (Jetty). Every client error is answered with a 4xx status and {@code {"error": "..."}}; nothing a
 * client sends can stop the server.
 *
 * <p>{@link #close} drains: readiness turns 503, Jetty stops accepting connections and waits (up to
 * {@link ServeOptions#drainTimeoutMs()}) for the requests in flight, which the batchers now run without waiting for
 * batches to fill, and every session is closed. Close it before the JVM shuts down rather than from a shutdown hook:
 * hooks run concurrently, and ONNX Runtime's Java API releases its native environment in a hook of its own ({@code
 * vgg4j serve} handles SIGTERM and SIGINT itself for that reason). The endpoints are listed in {@link Routes}.
 */
public final class ModelServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelServer.class);
    /** Context attribute: the endpoint label of the request's metrics. */
    static final String ENDPOINT = "vgg4j.endpoint";
    /** Context attribute: the served model the request named, for its metrics. */
    static final String MODEL = "vgg4j.model";

    private final ServeOptions options;
    private final ServerMetrics metrics = new ServerMetrics();
    private final Map<String, ModelRuntime> models = new LinkedHashMap<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Object lifecycle = new Object();
    private volatile boolean draining;
    private boolean closed;
    private Javalin app;

    /** One served model with its batcher and request reader. */
    record ModelRuntime(ServedModel model, DynamicBatcher batcher, InferRequestReader reader) {
    }

    private ModelServer(List<ServedModel> served, ServeOptions options) {
        this.options = options;
        for (ServedModel m : served) {
            if (models.containsKey(m.name())) {
                throw new IllegalArgumentException("model name '" + m.name() + "' is given twice");
            }
            models.put(m.name(), null);
        }
        for (ServedModel m : served) {
            models.put(m.name(), new ModelRuntime(m, new DynamicBatcher(m, options, metrics), new InferRequestReader(m)));
        }
    }

    /**
     * Starts serving {@code served} (the server owns their sessions from now on, and closes them even if it cannot
     * start).
     *
     * @param served  the models, in the order the model list shows them
     * @param options where to listen, batching and limits
     * @return the running server
     * @throws IllegalArgumentException if no model is given or a name is given twice
     * @throws Vgg4jException           if the address cannot be bound (port in use, unknown host)
     */
    public static ModelServer start(List<ServedModel> served, ServeOptions options) {
        if (served.isEmpty()) {
            throw new IllegalArgumentException("no model to serve: give at least one --model NAME=PATH");
        }
        ModelServer server;
        try {
            server = new ModelServer(served, options);
        } catch (RuntimeException e) {
            served.forEach(m -> m.session().close());
            throw e;
        }
        try {
            server.app = Javalin.create(server::configure).start();
        } catch (RuntimeException e) {
            server.close();
            throw new Vgg4jException("cannot listen on " + options.host() + ":" + options.port() + ": "
                    + rootMessage(e), e);
        }
        LOG.info("serving {} on {}", server.models.keySet(), server.uri());
        return server;
    }

    private void configure(JavalinConfig config) {
        config.startup.showJavalinBanner = false;
        config.startup.showOldJavalinVersionWarning = false;
        config.startup.startupWatcherEnabled = false;
        config.http.maxRequestSize = options.maxBodyBytes();
        config.http.asyncTimeout = options.timeoutMs() + 10_000L;
        config.http.prefer405over404 = true;
        // No response compression: answers are a few hundred bytes of logits, and deciding whether to compress each one
        // (Javalin matching the content type against its list) took ~10% of the HTTP threads' samples under load.
        config.http.compressionStrategy = CompressionStrategy.NONE;
        config.jetty.threadPool = threadPool();
        int inMemory = (int) Math.min(options.maxBodyBytes(), Integer.MAX_VALUE);
        config.jetty.multipartConfig.maxFileSize(options.maxBodyBytes(), SizeUnit.BYTES);
        config.jetty.multipartConfig.maxTotalRequestSize(options.maxBodyBytes(), SizeUnit.BYTES);
        config.jetty.multipartConfig.maxInMemoryFileSize(inMemory, SizeUnit.BYTES);
        config.jetty.addConnector((server, http) -> {
            ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
            connector.setHost(options.host());
            connector.setPort(options.port());
            connector.setIdleTimeout(options.timeoutMs());
            return connector;
        });
        config.jetty.modifyServer(server -> {
            server.insertHandler(new GracefulHandler());
            server.setStopTimeout(options.drainTimeoutMs());
        });
        Routes routes = new Routes(this);
        for (Routes.Route r : routes.all()) {
            config.routes.addHttpHandler(r.method(), r.path(), labelled(r.endpoint(), r.handler()));
        }
        config.routes.exception(ApiException.class, (e, ctx) -> error(ctx, e.status(), e.getMessage()));
        config.routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), switch (e.getStatus()) {
            case 404 -> "no endpoint " + ctx.method() + " " + ctx.path();
            case 405 -> "method " + ctx.method() + " is not allowed on " + ctx.path();
            default -> e.getMessage();
        }));
        config.routes.exception(Exception.class, (e, ctx) -> {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            error(ctx, 500, "internal error: " + e);
        });
        config.requestLogger.http((ctx, ms) -> {
            String model = ctx.attribute(MODEL);
            String endpoint = ctx.attribute(ENDPOINT);
            metrics.request(model == null ? "" : model, endpoint == null ? "other" : endpoint, ctx.statusCode(),
                    ms / 1000.0);
        });
    }

    /**
     * Jetty's threads, sized to the machine rather than Javalin's default of up to 250: handlers never block (the
     * inference waits as a future), so a few threads per core serve any number of connections, and fewer threads
     * mean fewer hand-offs between them.
     */
    private static QueuedThreadPool threadPool() {
        int max = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
        QueuedThreadPool pool = new QueuedThreadPool(max, Math.min(4, max), 60_000);
        pool.setName("vgg4j-http");
        return pool;
    }

    private static Handler labelled(String endpoint, Handler handler) {
        return ctx -> {
            ctx.attribute(ENDPOINT, endpoint);
            handler.handle(ctx);
        };
    }

    /** Answers {@code ctx} with {@code status} and {@code {"error": message}}. */
    static void error(Context ctx, int status, String message) {
        ctx.status(status).contentType("application/json").result(ProtocolJson.error(message));
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }

    /**
     * The TCP port the server listens on.
     *
     * @return the port, the one chosen by the system when the options asked for 0
     */
    public int port() {
        return app.port();
    }

    /**
     * The base URL.
     *
     * @return e.g. {@code http://127.0.0.1:8080/}
     */
    public URI uri() {
        String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
        return URI.create("http://" + host + ":" + port() + "/");
    }

    /**
     * The names of the served models.
     *
     * @return the names, in the order given
     */
    public List<String> modelNames() {
        return new ArrayList<>(models.keySet());
    }

    /**
     * The server's metrics.
     *
     * @return the metrics {@code GET /metrics} writes
     */
    public ServerMetrics metrics() {
        return metrics;
    }

    ServeOptions options() {
        return options;
    }

    Map<String, ModelRuntime> models() {
        return models;
    }

    /** Whether the server is shutting down (readiness is then 503 and new requests are refused). */
    boolean draining() {
        return draining;
    }

    /** Where responses are serialised and written, off the batchers' threads: Jetty's thread pool. */
    Executor responseExecutor() {
        return app.jettyServer().server().getThreadPool();
    }

    /**
     * Blocks until {@link #close} has finished.
     *
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /**
     * Drains and stops: readiness turns 503, no new connection is accepted, the requests in flight are answered (for
     * up to {@link ServeOptions#drainTimeoutMs()}), then every batcher and session is closed. Idempotent.
     */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            draining = true;
        }
        for (ModelRuntime m : models.values()) {
            if (m != null) {
                m.batcher().flush();
            }
        }
        try {
            if (app != null) {
                LOG.info("shutting down: draining the requests in flight (up to {} ms)", options.drainTimeoutMs());
                app.stop();
            }
        } catch (RuntimeException e) {
            LOG.warn("the HTTP server did not stop cleanly: {}", rootMessage(e));
        } finally {
            for (ModelRuntime m : models.values()) {
                if (m != null) {
                    m.batcher().close();
                }
            }
            stopped.countDown();
        }
    }
}
