package org.vgg4j.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.vgg4j.core.Device;
import org.vgg4j.core.LayerNode;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.Vgg4jException;
import org.vgg4j.core.layer.Conv2d;
import org.vgg4j.core.layer.Dropout;
import org.vgg4j.core.layer.Flatten;
import org.vgg4j.core.layer.Layer;
import org.vgg4j.core.layer.Linear;
import org.vgg4j.core.layer.MaxPool2d;
import org.vgg4j.core.layer.Relu;
import org.vgg4j.core.layer.Sequential;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Initializer;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.core.spi.BackendStatus;
import org.vgg4j.core.spi.Backends;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.spi.Trainer;
import org.vgg4j.models.vgg.Vgg;
import org.vgg4j.models.vgg.VggConfig;
import org.vgg4j.models.vgg.VggVariant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vgg4j bench}: measures the training step and the inference of the narrow VGG-11 on every backend (and on
 * native Python PyTorch when an interpreter with {@code torch} is found), each case in its own child process, and
 * prints one table: median ms/step, images/s, achieved GFLOP/s, the share of the machine's measured matrix-multiply
 * peak, the ratio to native PyTorch and the peak resident memory of the case's process.
 *
 * <p>The measurement pieces are nested here so that the command stays one file: {@link FlopCounter} (analytic FLOPs
 * of a {@link Network}), {@link PeakMemory} ({@code VmHWM}), {@link Workload} (size and batch), {@link CaseResult}
 * (one case's timings) and {@link CaseRunner} (the child-process entry point). The {@code vgg4j-benchmarks} module
 * (JMH) reuses them.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmark the training step and inference of the narrow VGG-11 on every backend and on native "
                + "PyTorch; print ms/step, images/s, GFLOP/s, % of the measured matmul peak, ratio to PyTorch and "
                + "peak memory.",
                "Each case runs in its own child process (the same java and class path; python for native PyTorch)."})
public final class BenchCommand implements Callable<Integer> {

    /** Prefix of the one result line a child process prints on standard output. */
    public static final String RESULT_PREFIX = "VGG4J-BENCH ";
    /** Name of the native PyTorch reference in the table and in {@code --backends}. */
    public static final String NATIVE = "native-pytorch";

    @Option(names = "--sizes", split = ",", defaultValue = "32,96,224",
            description = "input sizes, each SIZE or SIZE:BATCH (default batch: 128 at 32, else 64; default: ${DEFAULT-VALUE})")
    List<String> sizes;

    @Option(names = "--backends", split = ",",
            description = "backends to measure (default: every available one found on the class path)")
    List<String> backends;

    @Option(names = "--modes", split = ",", defaultValue = "train,infer",
            description = "train, infer or both (default: ${DEFAULT-VALUE})")
    List<String> modes;

    @Option(names = "--iterations", defaultValue = "10", description = "timed steps per case; the table shows their median (default: ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--warmup", defaultValue = "3", description = "untimed steps before them (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--rounds", defaultValue = "1",
            description = "repeat the whole sequence of cases this many times, alternating engines (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--threads", defaultValue = "0",
            description = "intra-op threads of every engine (default: 0 = the processors available to the JVM)")
    int threads;

    @Option(names = "--gemm", defaultValue = "2048",
            description = "N of the N x N x N matrix multiply that measures the peak; 0 skips it (default: ${DEFAULT-VALUE})")
    int gemm;

    @Option(names = "--no-python", description = "skip native PyTorch")
    boolean noPython;

    @Option(names = "--python", description = "python interpreter with torch (default: python3 on the PATH, then /usr/bin/python3)")
    String python;

    @Option(names = "--seed", defaultValue = "42", description = "seed of the inputs and weights (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--timeout", defaultValue = "1800", description = "seconds allowed to one case (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Option(names = "--output", description = "also write the table (markdown) to this file")
    Path output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (iterations < 1 || warmup < 0 || rounds < 1 || gemm < 0 || timeoutSeconds < 1) {
            throw new IllegalArgumentException("--iterations and --rounds must be >= 1, --warmup and --gemm >= 0, "
                    + "--timeout >= 1");
        }
        int nThreads = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        List<Workload> workloads = sizes.stream().map(Workload::parse).toList();
        List<String> modeList = modes.stream().map(m -> m.trim().toLowerCase(Locale.ROOT)).toList();
        for (String m : modeList) {
            if (!m.equals("train") && !m.equals("infer")) {
                throw new IllegalArgumentException("unknown mode '" + m + "' in --modes: use train and/or infer");
            }
        }
        List<String> engines = new ArrayList<>();
        Optional<String> interpreter = noPython ? Optional.empty() : findPython(out);
        interpreter.ifPresent(p -> engines.add(NATIVE));
        engines.addAll(javaBackends(out));
        if (engines.isEmpty()) {
            throw new Vgg4jException("nothing to measure: no backend is available and native PyTorch is off");
        }
        Launcher launcher = new Launcher(interpreter.orElse(null), nThreads, seed, timeoutSeconds);
        String startLoad = loadAverage();
        out.printf(Locale.ROOT, "vgg4j bench: %s; %d threads; %d warm-up + %d timed steps per case, %d round(s); "
                + "%d processors, load average %s%n", String.join(", ", engines), nThreads, warmup, iterations, rounds,
                Runtime.getRuntime().availableProcessors(), startLoad);

        // 1. The machine's matrix-multiply peak: the best of every engine's N x N x N product.
        Map<String, Double> gemmRates = new LinkedHashMap<>();
        if (gemm > 0) {
            for (String engine : engines) {
                CaseResult r = launcher.run(engine, "gemm", new Workload(gemm, gemm), 2, 5, null);
                if (r.ok()) {
                    double rate = FlopCounter.gemm(gemm) / (r.medianMillis() * 1e6);
                    gemmRates.put(engine, rate);
                    out.printf(Locale.ROOT, "  gemm %dx%dx%d on %-16s %8.1f ms  %7.1f GFLOP/s%n", gemm, gemm, gemm,
                            engine, r.medianMillis(), rate);
                } else {
                    out.printf(Locale.ROOT, "  gemm on %s: %s%n", engine, r.skipReason());
                }
            }
        }
        double peak = gemmRates.values().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        String peakEngine = gemmRates.entrySet().stream().filter(e -> e.getValue() == peak).map(Map.Entry::getKey)
                .findFirst().orElse("none");

        // 2. Every case, engines alternating within each (size, mode), rounds repeating the whole sequence.
        Map<String, CaseResult> results = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (Workload w : workloads) {
                Network net = benchNetwork(w.size());
                for (String mode : modeList) {
                    for (String engine : engines) {
                        CaseResult r = launcher.run(engine, mode, w, warmup, iterations, net);
                        String key = key(engine, mode, w);
                        CaseResult merged = results.containsKey(key) ? results.get(key).merge(r) : r;
                        results.put(key, merged);
                        out.println("  " + (r.ok() ? String.format(Locale.ROOT, "%-16s %-5s %-8s %9.1f ms/step  rss %,d MB",
                                engine, mode, w, r.medianMillis(), r.peakRssKb() / 1024)
                                : engine + " " + mode + " " + w + ": skipped: " + r.skipReason()));
                        out.flush();
                    }
                }
            }
        }
        String table = String.format(Locale.ROOT, "Machine: %d processors (%s), %d engine threads; load average %s "
                + "at the start, %s at the end; %d warm-up + %d timed steps per case, %d round(s).%n%n",
                Runtime.getRuntime().availableProcessors(), cpuModel(), nThreads, startLoad, loadAverage(), warmup,
                iterations, rounds)
                + table(workloads, modeList, engines, results, peak, peakEngine, gemmRates, nThreads);
        out.println();
        out.print(table);
        out.flush();
        if (output != null) {
            Path parent = output.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(output, table, StandardCharsets.UTF_8);
            out.println("table written to " + output);
        }
        out.flush();
        return 0;
    }

    private String table(List<Workload> workloads, List<String> modeList, List<String> engines,
            Map<String, CaseResult> results, double peak, String peakEngine, Map<String, Double> gemmRates,
            int nThreads) {
        StringBuilder sb = new StringBuilder();
        if (!gemmRates.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "Measured matrix-multiply peak: **%.1f GFLOP/s** (%s, %dx%dx%d float32 "
                    + "product, %d threads; %s)%n%n", peak, peakEngine, gemm, gemm, gemm, nThreads,
                    gemmRates.entrySet().stream().map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue()))
                            .collect(Collectors.joining(", "))));
        }
        sb.append("| backend | mode | size | batch | ms/step (median) | min-max | images/s | GFLOP/s | % of matmul peak "
                + "| x native PyTorch | peak RSS MB |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Workload w : workloads) {
            Network net = benchNetwork(w.size());
            for (String mode : modeList) {
                CaseResult reference = results.get(key(NATIVE, mode, w));
                for (String engine : engines) {
                    CaseResult r = results.get(key(engine, mode, w));
                    if (r == null) {
                        continue;
                    }
                    if (!r.ok()) {
                        sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | skipped: %s | | | | | | |%n",
                                engine, mode, w.size(), w.batch(), r.skipReason().replace('|', '/')));
                        continue;
                    }
                    double ms = r.medianMillis();
                    long flops = (mode.equals("train") ? FlopCounter.trainingStepPerSample(net)
                            : FlopCounter.forwardPerSample(net)) * w.batch();
                    double gflops = flops / (ms * 1e6);
                    String ratio = reference != null && reference.ok()
                            ? String.format(Locale.ROOT, "%.2fx", ms / reference.medianMillis()) : "-";
                    sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %.1f | %.1f-%.1f | %.0f | %.1f | %s | %s | %,d |%n",
                            engine, mode, w.size(), w.batch(), ms, r.minMillis(), r.maxMillis(), w.batch() * 1000.0 / ms,
                            gflops, Double.isNaN(peak) ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * gflops / peak),
                            ratio, r.peakRssKb() / 1024));
                }
            }
        }
        sb.append(targets(results, peak));
        return sb.toString();
    }

    /** The key of one case in the results map: {@code engine|mode|size|batch}. */
    static String key(String engine, String mode, Workload w) {
        return engine + "|" + mode + "|" + w.size() + "|" + w.batch();
    }

    /** Issue 6's targets, each checked against the rows that exist (none printed when the rows are missing). */
    static String targets(Map<String, CaseResult> results, double peak) {
        List<String> lines = new ArrayList<>();
        ratioTarget(lines, results, "pytorch", NATIVE, "train", 224, 1.0);
        ratioTarget(lines, results, "pytorch", NATIVE, "train", 32, 1.1);
        ratioTarget(lines, results, "tensorflow", "pytorch", "train", 224, 1.5);
        for (Map.Entry<String, CaseResult> e : results.entrySet()) {
            String[] key = e.getKey().split("\\|");
            if (key[0].equals("onnx") && key[1].equals("infer") && e.getValue().ok() && !Double.isNaN(peak)) {
                int size = Integer.parseInt(key[2]);
                int batch = Integer.parseInt(key[3]);
                Network net = benchNetwork(size);
                double gflops = FlopCounter.forwardPerSample(net) * (double) batch / (e.getValue().medianMillis() * 1e6);
                double share = gflops / peak;
                lines.add(String.format(Locale.ROOT, "- onnx inference at %dx%d >= 75%% of the matmul peak: %.0f%% -> %s",
                        size, size, 100 * share, share >= 0.75 ? "met" : "NOT met"));
            }
        }
        return lines.isEmpty() ? "" : "\nIssue 6 targets:\n" + String.join("\n", lines) + "\n";
    }

    private static void ratioTarget(List<String> lines, Map<String, CaseResult> results, String engine,
            String reference, String mode, int size, double bound) {
        for (Map.Entry<String, CaseResult> e : results.entrySet()) {
            String[] key = e.getKey().split("\\|");
            if (!key[0].equals(engine) || !key[1].equals(mode) || !key[2].equals(String.valueOf(size))) {
                continue;
            }
            CaseResult ref = results.get(reference + "|" + mode + "|" + key[2] + "|" + key[3]);
            if (ref == null || !ref.ok() || !e.getValue().ok()) {
                continue;
            }
            double ratio = e.getValue().medianMillis() / ref.medianMillis();
            lines.add(String.format(Locale.ROOT, "- %s %s step at %dx%d <= %.1fx %s: %.2fx -> %s", engine, mode, size,
                    size, bound, reference, ratio, ratio <= bound ? "met" : "NOT met"));
        }
    }

    private List<String> javaBackends(PrintWriter out) {
        List<BackendStatus> found = Backends.discover().list();
        List<String> requested = backends == null ? null
                : backends.stream().map(b -> b.trim().toLowerCase(Locale.ROOT)).toList();
        List<String> chosen = new ArrayList<>();
        if (requested != null) {
            for (String name : requested) {
                if (!name.equals(NATIVE) && found.stream().noneMatch(s -> s.name().equalsIgnoreCase(name))) {
                    throw new IllegalArgumentException("unknown backend '" + name + "' in --backends: found "
                            + found.stream().map(BackendStatus::name).collect(Collectors.joining(", "))
                            + (noPython ? "" : " (and " + NATIVE + ")"));
                }
            }
        }
        for (BackendStatus s : found) {
            if (requested != null && !requested.contains(s.name().toLowerCase(Locale.ROOT))) {
                continue;
            }
            if (!s.availability().available()) {
                out.println("skipping backend " + s.name() + ": " + s.availability().detail());
                continue;
            }
            chosen.add(s.name());
        }
        return chosen;
    }

    private Optional<String> findPython(PrintWriter out) {
        if (backends != null && backends.stream().noneMatch(b -> b.trim().equalsIgnoreCase(NATIVE))) {
            return Optional.empty();
        }
        List<String> candidates = python != null ? List.of(python) : List.of("python3", "/usr/bin/python3");
        List<String> tried = new ArrayList<>();
        for (String candidate : candidates) {
            String version = torchVersion(candidate);
            if (version != null) {
                out.println("native PyTorch: " + candidate + " (torch " + version + ")");
                return Optional.of(candidate);
            }
            tried.add(candidate);
        }
        out.println("native PyTorch skipped: no python with torch found (tried " + String.join(", ", tried)
                + "; install Debian's python3-torch or pass --python)");
        return Optional.empty();
    }

    /** The torch version {@code interpreter} imports, or null if it cannot run or has no torch. */
    static String torchVersion(String interpreter) {
        try {
            Process p = new ProcessBuilder(interpreter, "-c", "import torch; print(torch.__version__)")
                    .redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 && !text.isEmpty() ? text.lines().reduce((a, b) -> b).orElse(null) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            return System.getProperty("os.arch");
        }
        return System.getProperty("os.arch");
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** The benchmark network: the d2l narrow VGG-11 (ratio 8, dropout 0.5, 1 channel, 10 classes) at {@code size}. */
    public static Network benchNetwork(int size) {
        return Vgg.build(VggConfig.d2l(VggVariant.VGG11).withRatio(8).withImageSize(size));
    }

    /**
     * The N x N x N matrix-multiply network of the peak measurement: a single {@link Linear} of N inputs and N
     * outputs on samples of shape [N] (every vgg4j backend accepts rank-1 samples), run on a batch of N.
     */
    public static Network gemmNetwork(int n) {
        return new Network("gemm" + n, Sequential.of(new Linear(n, n)), Shape.of(n));
    }

    /** The layers of {@code network} in the compact form the Python reference script reads. */
    public static String layerSpec(Network network) {
        List<String> items = new ArrayList<>();
        for (LayerNode node : network.leaves(1)) {
            Layer l = node.layer();
            if (l instanceof Conv2d c) {
                items.add("conv:" + c.inChannels() + ":" + c.outChannels() + ":" + c.kernelSize() + ":" + c.stride()
                        + ":" + c.padding());
            } else if (l instanceof Relu) {
                items.add("relu");
            } else if (l instanceof MaxPool2d p) {
                items.add("pool:" + p.kernelSize() + ":" + p.stride());
            } else if (l instanceof Flatten) {
                items.add("flatten");
            } else if (l instanceof Linear lin) {
                items.add("linear:" + lin.inFeatures() + ":" + lin.outFeatures());
            } else if (l instanceof Dropout d) {
                items.add("dropout:" + d.p());
            } else {
                throw new IllegalArgumentException("layer " + node.path() + " has no Python counterpart: " + l);
            }
        }
        return String.join(",", items);
    }

    /**
     * An input size and batch; parsed from {@code SIZE} (batch 128 at 32x32, else 64: the workloads) or
     * {@code SIZE:BATCH}.
     *
     * @param size  image height and width
     * @param batch images per step
     */
    public record Workload(int size, int batch) {
        public Workload {
            if (size < 1 || batch < 1) {
                throw new IllegalArgumentException("size and batch must be >= 1, got " + size + ":" + batch);
            }
        }

        /** Parses {@code SIZE} or {@code SIZE:BATCH}. */
        public static Workload parse(String text) {
            String[] f = text.trim().split(":");
            try {
                int size = Integer.parseInt(f[0].trim());
                if (f.length == 1) {
                    return new Workload(size, size <= 32 ? 128 : 64);
                }
                if (f.length == 2) {
                    return new Workload(size, Integer.parseInt(f[1].trim()));
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("bad size '" + text + "': use SIZE or SIZE:BATCH, e.g. 224 or 224:64");
        }

        @Override
        public String toString() {
            return size + "x" + size;
        }
    }

    /**
     * Analytic floating-point operations of a {@link Network}, counting multiply and add separately: a convolution
     * costs {@code 2 * Cin * k * k * Cout * Hout * Wout} per sample and a linear layer {@code 2 * in * out}; biases,
     * ReLU, pooling and dropout are not counted (under 1 % of the narrow VGG-11's total). A training step is
     * approximated as 3 forward passes (the backward pass computes the input gradient and the weight gradient, each
     * about as costly as the forward pass).
     */
    public static final class FlopCounter {
        private FlopCounter() {
        }

        /** Forward FLOPs of one sample. */
        public static long forwardPerSample(Network network) {
            long total = 0;
            for (LayerNode node : network.leaves(1)) {
                Layer l = node.layer();
                Shape outShape = node.outputShape();
                if (l instanceof Conv2d c) {
                    total += 2L * c.inChannels() * c.kernelSize() * c.kernelSize() * c.outChannels()
                            * outShape.dim(2) * outShape.dim(3);
                } else if (l instanceof Linear lin) {
                    total += 2L * lin.inFeatures() * lin.outFeatures();
                }
            }
            return total;
        }

        /** Approximate FLOPs of one training step per sample: 3x the forward pass. */
        public static long trainingStepPerSample(Network network) {
            return 3 * forwardPerSample(network);
        }

        /** FLOPs of an {@code n x n} by {@code n x n} matrix product. */
        public static long gemm(int n) {
            return 2L * n * n * n;
        }
    }

    /** Peak resident memory of the current process ({@code VmHWM} in {@code /proc/self/status}), Linux only. */
    public static final class PeakMemory {
        private PeakMemory() {
        }

        /** {@code VmHWM} in KiB, or -1 where {@code /proc/self/status} does not exist or has no such line. */
        public static long peakRssKb() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("VmHWM:")) {
                        return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
                    }
                }
            } catch (IOException | RuntimeException e) {
                return -1;
            }
            return -1;
        }
    }

    /**
     * The outcome of one case (one engine, mode, workload): the wall time of each timed step in milliseconds and the
     * peak resident memory of its process, or the reason it was skipped.
     *
     * @param millis     timed steps, in order
     * @param peakRssKb  {@code VmHWM} of the process at the end, KiB (-1 if unknown)
     * @param skipReason null if the case ran
     */
    public record CaseResult(List<Double> millis, long peakRssKb, String skipReason) {
        public CaseResult {
            millis = List.copyOf(millis);
        }

        /** A skipped case. */
        public static CaseResult skipped(String reason) {
            return new CaseResult(List.of(), -1, reason);
        }

        public boolean ok() {
            return skipReason == null && !millis.isEmpty();
        }

        public double medianMillis() {
            double[] s = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            int n = s.length;
            return n == 0 ? Double.NaN : n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
        }

        public double minMillis() {
            return millis.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        }

        public double maxMillis() {
            return millis.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        }

        /** Both runs' steps together (the larger peak memory), for repeated rounds; a skip wins over nothing. */
        public CaseResult merge(CaseResult other) {
            if (!other.ok()) {
                return ok() ? this : other;
            }
            if (!ok()) {
                return other;
            }
            List<Double> all = new ArrayList<>(millis);
            all.addAll(other.millis);
            return new CaseResult(all, Math.max(peakRssKb, other.peakRssKb), null);
        }

        /** The result line a child prints: {@code VGG4J-BENCH rss_kb=K ms=a,b,c} or {@code ... skip=reason}. */
        public String toLine() {
            if (skipReason != null) {
                return RESULT_PREFIX + "rss_kb=" + peakRssKb + " skip=" + skipReason.replace('\n', ' ');
            }
            return RESULT_PREFIX + "rss_kb=" + peakRssKb + " ms="
                    + millis.stream().map(m -> String.format(Locale.ROOT, "%.4f", m)).collect(Collectors.joining(","));
        }

        /** Parses a line written by {@link #toLine()} (or by the Python reference script). */
        public static CaseResult parse(String line) {
            if (!line.startsWith(RESULT_PREFIX)) {
                throw new IllegalArgumentException("not a result line: " + line);
            }
            String rest = line.substring(RESULT_PREFIX.length()).trim();
            long rss = -1;
            List<Double> ms = new ArrayList<>();
            String skip = null;
            while (!rest.isEmpty()) {
                int space = rest.indexOf(' ');
                String field = space < 0 ? rest : rest.substring(0, space);
                if (field.startsWith("skip=")) {
                    skip = rest.substring(5);
                    break;
                }
                if (field.startsWith("rss_kb=")) {
                    rss = Long.parseLong(field.substring(7));
                } else if (field.startsWith("ms=") && field.length() > 3) {
                    for (String v : field.substring(3).split(",")) {
                        ms.add(Double.parseDouble(v));
                    }
                }
                rest = space < 0 ? "" : rest.substring(space + 1).trim();
            }
            return new CaseResult(ms, rss, skip);
        }
    }

    /** Starts each case in a child process (java for backends, python for native PyTorch) and reads its result. */
    static final class Launcher {
        private final String python;
        private final int threads;
        private final long seed;
        private final int timeoutSeconds;

        Launcher(String python, int threads, long seed, int timeoutSeconds) {
            this.python = python;
            this.threads = threads;
            this.seed = seed;
            this.timeoutSeconds = timeoutSeconds;
        }

        CaseResult run(String engine, String mode, Workload w, int warmup, int iterations, Network net) {
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
                        if (line.startsWith(RESULT_PREFIX)) {
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
                try {
                    scriptPath = Files.createTempFile("vgg4j-bench-", ".py");
                    scriptPath.toFile().deleteOnExit();
                    Files.writeString(scriptPath, PYTHON_REFERENCE, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write the Python reference script to a temporary file", e);
                }
            }
            return scriptPath;
        }
    }

    /**
     * Entry point of a benchmark child JVM:
     * {@code CaseRunner BACKEND train|infer|gemm SIZE BATCH WARMUP ITERATIONS SEED}; prints one
     * {@link CaseResult#toLine() result line}. {@code gemm} predicts {@link #gemmNetwork(int) gemmNetwork(SIZE)} on a
     * batch of SIZE; the others run the {@link #benchNetwork(int) bench network} with PyTorch-default weights, Adam
     * (1e-3) and cross-entropy. A backend that cannot train prints a skip with its stated limitation.
     */
    public static final class CaseRunner {
        private CaseRunner() {
        }

        public static void main(String[] args) {
            if (args.length != 7) {
                System.err.println("usage: CaseRunner BACKEND train|infer|gemm SIZE BATCH WARMUP ITERATIONS SEED");
                System.exit(2);
            }
            System.out.println(run(args[0], args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), Integer.parseInt(args[5]), Long.parseLong(args[6])).toLine());
            System.out.flush();
            System.exit(0);
        }

        /** Runs one case in this process. */
        public static CaseResult run(String backendName, String mode, int size, int batch, int warmup, int iterations,
                long seed) {
            Backend backend = Backends.discover().select(backendName);
            boolean gemmMode = mode.equals("gemm");
            Network net = gemmMode ? gemmNetwork(size) : benchNetwork(size);
            if (mode.equals("train") && !backend.capabilities().training()) {
                String why = backend.capabilities().limitations();
                return CaseResult.skipped("cannot train" + (why == null || why.isBlank() ? "" : " (" + why + ")"));
            }
            Parameters params = Parameters.initialize(net, Initializer.PYTORCH_DEFAULT, seed);
            Tensor images = randomImages(net.sampleShape().prepend(batch), seed);
            int[] labels = new Random(seed + 1).ints(batch, 0, net.numClasses()).toArray();
            List<Double> millis = new ArrayList<>();
            try (Session session = backend.open(net, params, Device.cpu())) {
                Runnable step;
                if (mode.equals("train")) {
                    Trainer trainer = session.trainer(TrainingSpec.adam(1e-3, seed));
                    step = () -> trainer.step(images, labels);
                } else if (mode.equals("infer") || gemmMode) {
                    step = () -> session.predict(images);
                } else {
                    throw new IllegalArgumentException("unknown mode '" + mode + "': use train, infer or gemm");
                }
                for (int i = 0; i < warmup; i++) {
                    step.run();
                }
                for (int i = 0; i < iterations; i++) {
                    long t0 = System.nanoTime();
                    step.run();
                    millis.add((System.nanoTime() - t0) / 1e6);
                }
            }
            return new CaseResult(millis, PeakMemory.peakRssKb(), null);
        }

        private static Tensor randomImages(Shape shape, long seed) {
            Random random = new Random(seed);
            float[] data = new float[Math.toIntExact(shape.elementCount())];
            for (int i = 0; i < data.length; i++) {
                data[i] = random.nextFloat();
            }
            return Tensor.wrap(shape, data);
        }
    }

    /**
     * The native PyTorch reference: the same network (rebuilt from {@link #layerSpec}), inputs uniform in [0, 1),
     * PyTorch's default initialisation, Adam(1e-3) + cross-entropy for {@code train}, {@code eval()} + {@code no_grad}
     * for {@code infer}, {@code torch.nn.functional.linear} of N x N by N x N for {@code gemm};
     * {@code torch.set_num_threads(--threads)}. Prints the same result line as {@link CaseRunner}.
     */
    static final String PYTHON_REFERENCE = """
            # vgg4j bench: native PyTorch reference (written by vgg4j, run by `vgg4j bench`).
            import argparse, time
            import torch
            from torch import nn

            def build(spec):
                layers = []
                for item in spec.split(','):
                    f = item.split(':')
                    if f[0] == 'conv':
                        layers.append(nn.Conv2d(int(f[1]), int(f[2]), int(f[3]), stride=int(f[4]), padding=int(f[5])))
                    elif f[0] == 'relu':
                        layers.append(nn.ReLU())
                    elif f[0] == 'pool':
                        layers.append(nn.MaxPool2d(int(f[1]), stride=int(f[2])))
                    elif f[0] == 'flatten':
                        layers.append(nn.Flatten())
                    elif f[0] == 'linear':
                        layers.append(nn.Linear(int(f[1]), int(f[2])))
                    elif f[0] == 'dropout':
                        layers.append(nn.Dropout(float(f[1])))
                    else:
                        raise SystemExit('unknown layer ' + item)
                return nn.Sequential(*layers)

            def peak_rss_kb():
                try:
                    with open('/proc/self/status') as f:
                        for line in f:
                            if line.startswith('VmHWM:'):
                                return int(line.split()[1])
                except OSError:
                    pass
                return -1

            p = argparse.ArgumentParser()
            p.add_argument('--mode', required=True, choices=['train', 'infer', 'gemm'])
            p.add_argument('--size', type=int, required=True)
            p.add_argument('--batch', type=int, required=True)
            p.add_argument('--warmup', type=int, default=3)
            p.add_argument('--iterations', type=int, default=10)
            p.add_argument('--threads', type=int, default=1)
            p.add_argument('--seed', type=int, default=42)
            p.add_argument('--layers')
            p.add_argument('--input')
            a = p.parse_args()
            torch.set_num_threads(a.threads)
            torch.manual_seed(a.seed)
            if a.mode == 'gemm':
                n = a.size
                x, w, b = torch.rand(n, n), torch.rand(n, n), torch.rand(n)
                def step():
                    return torch.nn.functional.linear(x, w, b)
            else:
                model = build(a.layers)
                c, h, w = (int(v) for v in a.input.split(','))
                x = torch.rand(a.batch, c, h, w)
                y = torch.randint(0, model[-1].out_features, (a.batch,))
                if a.mode == 'train':
                    model.train()
                    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
                    loss_fn = nn.CrossEntropyLoss()
                    def step():
                        opt.zero_grad(set_to_none=True)
                        loss = loss_fn(model(x), y)
                        loss.backward()
                        opt.step()
                        return loss.item()
                else:
                    model.eval()
                    def step():
                        with torch.no_grad():
                            return model(x)
            for _ in range(a.warmup):
                step()
            ms = []
            for _ in range(a.iterations):
                t0 = time.perf_counter()
                step()
                ms.append((time.perf_counter() - t0) * 1000.0)
            print('VGG4J-BENCH rss_kb=%d ms=%s' % (peak_rss_kb(), ','.join('%.4f' % t for t in ms)), flush=True)
            """;
}
