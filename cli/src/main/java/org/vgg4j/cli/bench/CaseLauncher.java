package org.vgg4j.cli.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.vgg4j.core.LayerNode;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.UnsupportedLayerException;
import org.vgg4j.core.Vgg4jException;
import org.vgg4j.core.layer.AdaptiveAvgPool2d;
import org.vgg4j.core.layer.AvgPool2d;
import org.vgg4j.core.layer.BatchNorm2d;
import org.vgg4j.core.layer.Conv2d;
import org.vgg4j.core.layer.Dropout;
import org.vgg4j.core.layer.Flatten;
import org.vgg4j.core.layer.LayerVisitor;
import org.vgg4j.core.layer.Linear;
import org.vgg4j.core.layer.MaxPool2d;
import org.vgg4j.core.layer.Relu;

/**
 * Starts each case in a child process (java running {@link CaseRunner} for backends, python running the native
 * PyTorch reference script for {@link #NATIVE}) and reads its {@link CaseResult result line}.
 *
 * <p>The native PyTorch reference ({@code native_pytorch_bench.py}, a resource next to this class, written to a
 * temporary file on first use) builds the same network (rebuilt from {@link #layerSpec}), inputs uniform in [0, 1),
 * PyTorch's default initialisation, Adam(1e-3) + cross-entropy for {@code train}, {@code eval()} + {@code no_grad}
 * for {@code infer}, {@code torch.nn.functional.linear} of N x N by N x N for {@code gemm};
 * {@code torch.set_num_threads(--threads)}. It prints the same result line as {@link CaseRunner}.
 */
public final class CaseLauncher {
    /** Name of the native PyTorch reference in the table and in {@code --backends}. */
    public static final String NATIVE = "native-pytorch";

    private static final String PYTHON_REFERENCE = "native_pytorch_bench.py";

    private final String python;
    private final int threads;
    private final long seed;
    private final int timeoutSeconds;

    /**
     * @param python         interpreter with {@code torch} for {@link #NATIVE} cases (null if there are none)
     * @param threads        intra-op threads of every engine
     * @param seed           seed of the inputs and weights
     * @param timeoutSeconds seconds allowed to one case
     */
    public CaseLauncher(String python, int threads, long seed, int timeoutSeconds) {
        this.python = python;
        this.threads = threads;
        this.seed = seed;
        this.timeoutSeconds = timeoutSeconds;
    }

    /**
     * Runs one case ({@code mode} train, infer or gemm) of {@code engine} in a child process; {@code net} is the
     * network the Python reference rebuilds (null for gemm). A failure or a timeout is a skipped result.
     *
     * @param engine     a vgg4j backend name or a Python reference engine
     * @param mode       train, infer or gemm
     * @param w          the workload
     * @param warmup     untimed steps first
     * @param iterations timed steps
     * @param net        the network, or null for gemm
     * @return the timed steps and peak memory, or why the case was skipped
     */
    public CaseResult run(String engine, String mode, Workload w, int warmup, int iterations, Network net) {
        List<String> command = new ArrayList<>();
        if (engine.equals(NATIVE)) {
            Path script = pythonScript();
            command.addAll(List.of(python, script.toString(), "--mode", mode, "--size", String.valueOf(w.size()),
                    "--batch", String.valueOf(w.batch()), "--warmup", String.valueOf(warmup), "--iterations",
                    String.valueOf(iterations), "--threads", String.valueOf(threads), "--seed", String.valueOf(seed)));
            if (net != null) {
                Shape s = net.sampleShape();
                command.addAll(List.of("--layers", layerSpec(net), "--input", s.dim(0) + "," + s.dim(1) + "," + s.dim(2)));
            }
        } else {
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            for (String name : System.getProperties().stringPropertyNames()) {
                if (name.startsWith("vgg4j.") || name.startsWith("ai.djl.")) {
                    command.add("-D" + name + "=" + System.getProperty(name));
                }
            }
            command.addAll(List.of("-Dai.djl.offline=true",
                    "-Dai.djl.pytorch.num_threads=" + threads,
                    "-Dai.djl.tensorflow.num_intraop_threads=" + threads,
                    "-Dvgg4j.onnx.threads=" + threads,
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                    "-cp", System.getProperty("java.class.path"), CaseRunner.class.getName(),
                    engine, mode, String.valueOf(w.size()), String.valueOf(w.batch()), String.valueOf(warmup),
                    String.valueOf(iterations), String.valueOf(seed)));
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", String.valueOf(threads));
        pb.environment().putIfAbsent("TF_CPP_MIN_LOG_LEVEL", "2");
        if (engine.equals(NATIVE)) {
            // The pytorch backend turns libtorch's huge-page allocation on; do the same for native PyTorch.
            pb.environment().putIfAbsent("THP_MEM_ALLOC_ENABLE", "1");
        }
        List<String> lines = new ArrayList<>();
        try {
            Process p = pb.start();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        synchronized (lines) {
                            lines.add(line);
                        }
                    }
                } catch (IOException e) {
                    // the process ended
                }
            }, "bench-output");
            reader.setDaemon(true);
            reader.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return CaseResult.skipped("timed out after " + timeoutSeconds + " s (raise --timeout)");
            }
            reader.join(10_000);
            synchronized (lines) {
                for (String line : lines) {
                    if (line.startsWith(CaseResult.RESULT_PREFIX)) {
                        return CaseResult.parse(line);
                    }
                }
                String tail = lines.stream().skip(Math.max(0, lines.size() - 5)).collect(Collectors.joining(" / "));
                return CaseResult.skipped("failed (exit " + p.exitValue() + "): " + tail);
            }
        } catch (IOException e) {
            return CaseResult.skipped("could not start " + command.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Vgg4jException("interrupted while benchmarking " + engine, e);
        }
    }

    private Path scriptPath;

    private Path pythonScript() {
        if (scriptPath == null) {
            try (InputStream in = CaseLauncher.class.getResourceAsStream(PYTHON_REFERENCE)) {
                if (in == null) {
                    throw new IllegalStateException("the Python reference script " + PYTHON_REFERENCE
                            + " is missing from the class path (next to " + CaseLauncher.class.getName() + ")");
                }
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                scriptPath = Files.createTempFile("vgg4j-bench-", ".py");
                scriptPath.toFile().deleteOnExit();
                Files.writeString(scriptPath, text, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the Python reference script to a temporary file", e);
            }
        }
        return scriptPath;
    }

    /**
     * The layers of {@code network} in the compact form the Python reference script reads.
     *
     * @param network the network
     * @return its layers, one token each
     */
    public static String layerSpec(Network network) {
        List<String> items = new ArrayList<>();
        for (LayerNode node : network.leaves(1)) {
            items.add(node.layer().accept(PYTHON_SPEC));
        }
        return String.join(",", items);
    }

    /** Each layer as one item of {@code native_pytorch_bench.py}'s {@code --layers}. */
    private static final LayerVisitor<String> PYTHON_SPEC = new LayerVisitor<>() {
        @Override
        public String conv2d(Conv2d c) {
            return "conv:" + c.inChannels() + ":" + c.outChannels() + ":" + c.kernelSize() + ":" + c.stride() + ":"
                    + c.padding();
        }

        @Override
        public String relu(Relu r) {
            return "relu";
        }

        @Override
        public String maxPool2d(MaxPool2d p) {
            return "pool:" + p.kernelSize() + ":" + p.stride();
        }

        @Override
        public String flatten(Flatten f) {
            return "flatten";
        }

        @Override
        public String linear(Linear l) {
            return "linear:" + l.inFeatures() + ":" + l.outFeatures();
        }

        @Override
        public String dropout(Dropout d) {
            return "dropout:" + d.p();
        }

        @Override
        public String batchNorm2d(BatchNorm2d layer) {
            throw new UnsupportedLayerException("BatchNorm2d", "native PyTorch benchmark");
        }

        @Override
        public String adaptiveAvgPool2d(AdaptiveAvgPool2d layer) {
            throw new UnsupportedLayerException("AdaptiveAvgPool2d", "native PyTorch benchmark");
        }

        @Override
        public String avgPool2d(AvgPool2d layer) {
            throw new UnsupportedLayerException("AvgPool2d", "native PyTorch benchmark");
        }
    };
}
