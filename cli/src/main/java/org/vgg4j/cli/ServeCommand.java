package org.vgg4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.vgg4j.backend.onnx.OnnxRuntimeOptions;
import org.vgg4j.serve.ModelServer;
import org.vgg4j.serve.ServeOptions;
import org.vgg4j.serve.ServedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vgg4j serve}: serves one or more trained models over HTTP (Open Inference Protocol REST, a TorchServe-style
 * image endpoint, Prometheus metrics and a drop-an-image page) until Ctrl-C or SIGTERM, which drain the requests in
 * flight before the process exits (130 or 143).
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve trained models over HTTP: the Open Inference Protocol (KServe v2 REST) at /v2, images at "
                + "/predictions/{model}, Prometheus metrics at /metrics and a drop-an-image page at /.",
                "Concurrent requests are batched per model. Ctrl-C or SIGTERM answers the requests in flight, then "
                        + "exits."})
public final class ServeCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "NAME=PATH",
            description = "a model to serve (repeatable): NAME in the URLs, PATH an exported .onnx file or a "
                    + "checkpoint (run directory, checkpoint .json or weights)")
    List<String> modelSpecs = new ArrayList<>();

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "address to listen on; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--max-batch", defaultValue = "" + ServeOptions.DEFAULT_MAX_BATCH,
            description = "most images per engine call, combined from concurrent requests; 1 turns batching off (default: ${DEFAULT-VALUE})")
    int maxBatch;

    @Option(names = "--max-delay-ms", defaultValue = "" + ServeOptions.DEFAULT_MAX_DELAY_MS,
            description = "longest a request waits for others to join its batch (default: ${DEFAULT-VALUE})")
    int maxDelayMs;

    @Option(names = "--max-queue", defaultValue = "" + ServeOptions.DEFAULT_MAX_QUEUE,
            description = "most images waiting per model; more are refused with 503 (default: ${DEFAULT-VALUE})")
    int maxQueue;

    @Option(names = "--max-body-bytes", defaultValue = "" + ServeOptions.DEFAULT_MAX_BODY_BYTES,
            description = "largest request body; larger ones get 413 (default: ${DEFAULT-VALUE})")
    long maxBodyBytes;

    @Option(names = "--max-pixels", defaultValue = "" + ServeOptions.DEFAULT_MAX_PIXELS,
            description = "largest image (width x height, read from its header); larger ones get 413 (default: ${DEFAULT-VALUE})")
    long maxPixels;

    @Option(names = "--timeout-ms", defaultValue = "" + ServeOptions.DEFAULT_TIMEOUT_MS,
            description = "longest a request may take; later ones get 503 (default: ${DEFAULT-VALUE})")
    int timeoutMs;

    @Option(names = "--drain-timeout-ms", defaultValue = "" + ServeOptions.DEFAULT_DRAIN_TIMEOUT_MS,
            description = "on Ctrl-C or SIGTERM, longest to wait for the requests in flight (default: ${DEFAULT-VALUE})")
    int drainTimeoutMs;

    @Option(names = "--engine-threads", defaultValue = "0",
            description = "intra-op threads of each engine call, 0 to 4096; 0 = half the processors, at least 1, "
                    + "leaving the rest to the HTTP threads (default: ${DEFAULT-VALUE})")
    int engineThreads;

    @Mixin
    BackendOptions engine;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        ServeOptions options = new ServeOptions(host, port, maxBatch, maxDelayMs, maxQueue, maxBodyBytes, maxPixels,
                timeoutMs, drainTimeoutMs);
        Map<String, Path> models = parseModels();
        int threads = engineThreads(OptionChecks.inRange("--engine-threads", engineThreads, 0, 4096));
        // ONNX Runtime's worker threads spin between operators by default; in a server they burn the cores that the
        // HTTP threads need between engine calls (2.3-2.9x the throughput without it, see the README's Load section).
        if (System.getProperty(OnnxRuntimeOptions.SPINNING_PROPERTY) == null) {
            System.setProperty(OnnxRuntimeOptions.SPINNING_PROPERTY, "false");
        }
        List<ServedModel> served = new ArrayList<>();
        try {
            for (Map.Entry<String, Path> e : models.entrySet()) {
                Path path = e.getValue();
                OpenedModel m = OpenedModel.open(path, OpenedModel.isOnnx(path), engine);
                try {
                    served.add(new ServedModel(e.getKey(), m.session(), m.classNames(), m.backend(), path.toString()));
                } catch (RuntimeException bad) {
                    m.session().close();
                    throw bad;
                }
                out.printf("model %s: %s on %s (%d engine thread%s), input %s, %d classes%n", e.getKey(), path,
                        m.backend(), threads, threads == 1 ? "" : "s", m.session().network().sampleShape(),
                        m.classNames().size());
            }
        } catch (RuntimeException e) {
            served.forEach(s -> s.session().close());
            throw e;
        }
        ModelServer server = ModelServer.start(served, options);
        // Drain on the signal itself, before the JVM's shutdown hooks run (ONNX Runtime frees its engine in one).
        AtomicInteger exit = new AtomicInteger();
        TerminationSignals.install(code -> {
            exit.compareAndSet(0, code);
            server.close();
        });
        Thread hook = new Thread(server::close, "vgg4j-serve-drain"); // where the signals could not be handled
        Runtime.getRuntime().addShutdownHook(hook);
        out.printf("listening on %s (Ctrl-C or SIGTERM drains the requests in flight and stops)%n", server.uri());
        out.flush();
        server.awaitStop();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already shutting down: the hook is running and the JVM exits once we return
        }
        out.println("stopped");
        return exit.get();
    }

    /**
     * Sets every engine's intra-op thread count before a session opens: {@code requested}, or for 0 half the
     * processors (at least 1) unless {@code -Dvgg4j.onnx.threads} was given, leaving the other cores to the HTTP
     * threads and the clients. On 2 cores one thread served as many one-image requests as two for less engine CPU per
     * request, two threads 7% more 8-image requests (benchmarks/README.md, "Serving load").
     *
     * @return the thread count the engines get
     */
    private static int engineThreads(int requested) {
        int threads = requested;
        if (threads == 0) {
            String set = System.getProperty(OnnxRuntimeOptions.THREADS_PROPERTY);
            if (set != null && !set.isBlank()) {
                return OnnxRuntimeOptions.defaults().intraOpThreads();
            }
            threads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        }
        System.setProperty(OnnxRuntimeOptions.THREADS_PROPERTY, Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.tensorflow.num_intraop_threads", Integer.toString(threads));
        return threads;
    }

    private Map<String, Path> parseModels() {
        Map<String, Path> models = new LinkedHashMap<>();
        for (String spec : modelSpecs) {
            int eq = spec.indexOf('=');
            if (eq <= 0 || eq == spec.length() - 1) {
                throw new IllegalArgumentException("--model " + spec + ": expected NAME=PATH, e.g. --model "
                        + "fashion=runs/vgg11-run or --model fashion=model.onnx");
            }
            String name = spec.substring(0, eq);
            if (models.put(name, Path.of(spec.substring(eq + 1))) != null) {
                throw new IllegalArgumentException("--model " + name + " is given twice; each model needs its own name");
            }
        }
        return models;
    }
}
