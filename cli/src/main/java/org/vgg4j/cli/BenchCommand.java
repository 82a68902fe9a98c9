package org.vgg4j.cli;

import static org.vgg4j.cli.bench.CaseLauncher.NATIVE;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.vgg4j.cli.bench.BenchChart;
import org.vgg4j.cli.bench.CaseLauncher;
import org.vgg4j.cli.bench.CaseResult;
import org.vgg4j.cli.bench.CaseRunner;
import org.vgg4j.cli.bench.FlopCounter;
import org.vgg4j.cli.bench.GemmPeak;
import org.vgg4j.cli.bench.LoaderBench;
import org.vgg4j.cli.bench.TorchProbe;
import org.vgg4j.cli.bench.Workload;
import org.vgg4j.core.Network;
import org.vgg4j.core.Vgg4jException;
import org.vgg4j.core.config.DataConfig;
import org.vgg4j.core.spi.BackendStatus;
import org.vgg4j.core.spi.Backends;
import org.vgg4j.datasets.DataLocator;
import org.vgg4j.datasets.FashionMnist;
import org.vgg4j.datasets.ImageDataset;
import org.vgg4j.datasets.Split;
import org.vgg4j.datasets.transform.Augmentation;
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
 * <p>The measurement pieces live in {@code org.vgg4j.cli.bench}: {@link Workload} (size and batch),
 * {@link CaseLauncher} (starts each case's child process), {@link CaseRunner} (the child JVM's entry point),
 * {@link CaseResult} (one case's timings) and {@link FlopCounter} (analytic FLOPs of a {@link Network}); this command
 * parses the options, orders the cases and prints the table.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmark the training step and inference of the narrow VGG-11 on every backend and on native "
                + "PyTorch; print ms/step, images/s, GFLOP/s, %% of the measured matmul peak, ratio to PyTorch and "
                + "peak memory.",
                "Each case runs in its own child process (the same java and class path; python for native PyTorch)."})
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--sizes", split = ",", defaultValue = "32,96,224",
            description = "input sizes, each SIZE or SIZE:BATCH (default batch: 128 at 32, else 64; default: ${DEFAULT-VALUE})")
    List<String> sizes;

    @Option(names = "--backends", split = ",",
            description = "backends to measure (default: every available one found on the class path)")
    List<String> backends;

    @Option(names = "--modes", split = ",", defaultValue = "train,infer",
            description = "train, infer or both (default: ${DEFAULT-VALUE})")
    List<String> modes;

    @Option(names = "--iterations", defaultValue = "10", description = "timed steps per case, 1 to 100000; the table shows their median (default: ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--warmup", defaultValue = "3", description = "untimed steps before them, 0 to 100000 (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--rounds", defaultValue = "1",
            description = "repeat the whole sequence of cases this many times, alternating engines, 1 to 1000 (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--threads", defaultValue = "0",
            description = "intra-op threads of every engine, 0 to 4096 (default: 0 = the processors available to the JVM)")
    int threads;

    @Option(names = "--gemm", defaultValue = "2048",
            description = "N of the N x N x N matrix multiply that measures the peak, 0 to 16384; 0 skips it (default: ${DEFAULT-VALUE})")
    int gemm;

    @Option(names = "--peak-runs", defaultValue = "3",
            description = "warmed-up matrix-multiply runs per engine, each in its own process, 1 to 100; the peak is the "
                    + "fastest, the spread (min/median/max) is printed (default: ${DEFAULT-VALUE})")
    int peakRuns;

    @Option(names = "--loader-batches", defaultValue = "20",
            description = "batches of the data pipeline alone (Fashion-MNIST training split, resized to each size) timed "
                    + "after 2 untimed ones and compared with the training throughput, 0 to 10000; 0 skips it "
                    + "(default: ${DEFAULT-VALUE})")
    int loaderBatches;

    @Option(names = "--loader-augment", defaultValue = "none",
            description = "also time the data pipeline with this train --augment value (crop with padding 4), in its "
                    + "own column; both are then the best of 3 alternating runs; none for only the plain pipeline "
                    + "(default: ${DEFAULT-VALUE})")
    String loaderAugment;

    @Option(names = "--no-python", description = "skip native PyTorch")
    boolean noPython;

    @Option(names = "--python", description = "python interpreter with torch (default: python3 on the PATH, then /usr/bin/python3)")
    String python;

    @Option(names = "--seed", defaultValue = "42", description = "seed of the inputs and weights (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--timeout", defaultValue = "1800", description = "seconds allowed to one case, 1 to 604800 (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Option(names = "--output", description = "also write the table (markdown) to this file, and a bar chart of %% of "
            + "matmul peak (ms/step with --gemm 0) per case and engine next to it (NAME.md -> NAME.png)")
    Path output;

    @Spec
    CommandSpec spec;

    /** The bars of the chart written next to {@code --output}, filled while the table is made. */
    private final BenchChart chart = new BenchChart();

    /** What the native PyTorch reference runs on, once {@link #findPython} found it. */
    private TorchProbe torchProbe;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        OptionChecks.inRange("--iterations", iterations, 1, 100000);
        OptionChecks.inRange("--warmup", warmup, 0, 100000);
        OptionChecks.inRange("--rounds", rounds, 1, 1000);
        OptionChecks.inRange("--threads", threads, 0, 4096);
        OptionChecks.inRange("--gemm", gemm, 0, 16384);
        OptionChecks.inRange("--peak-runs", peakRuns, 1, 100);
        OptionChecks.inRange("--loader-batches", loaderBatches, 0, 10000);
        OptionChecks.inRange("--timeout", timeoutSeconds, 1, 7 * 24 * 3600);
        try {
            loaderAugment = DataConfig.canonicalAugment(loaderAugment);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--loader-augment '" + loaderAugment + "': " + e.getMessage() + "; use "
                    + String.join(", ", DataConfig.AUGMENTATIONS));
        }
        int nThreads = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        List<Workload> workloads = sizes.stream().map(Workload::parse).toList();
        for (Workload w : workloads) {
            if (w.size() % 32 != 0 || w.size() > ModelOptions.MAX_IMAGE_SIZE) {
                throw new UsageException("--sizes: each size must be a multiple of 32 from 32 to "
                        + ModelOptions.MAX_IMAGE_SIZE + ", got " + w.size());
            }
            OptionChecks.inRange("--sizes batch", w.batch(), 1, TrainCommand.MAX_BATCH);
        }
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
        CaseLauncher launcher = new CaseLauncher(interpreter.orElse(null), nThreads, seed, timeoutSeconds);
        String startLoad = loadAverage();
        out.printf(Locale.ROOT, "vgg4j bench: %s; %d threads; %d warm-up + %d timed steps per case, %d round(s); "
                + "%d processors, load average %s%n", String.join(", ", engines), nThreads, warmup, iterations, rounds,
                Runtime.getRuntime().availableProcessors(), startLoad);

        // 1. The machine's matrix-multiply peak: each engine's N x N x N product, warmed up (3 untimed products) and
        // repeated in --peak-runs processes; the peak is the fastest run of any engine.
        Map<String, GemmPeak> gemmRates = new LinkedHashMap<>();
        if (gemm > 0) {
            for (String engine : engines) {
                List<Double> rates = new ArrayList<>();
                String skip = null;
                for (int run = 0; run < peakRuns; run++) {
                    CaseResult r = launcher.run(engine, "gemm", new Workload(gemm, gemm), 3, 5, null);
                    if (r.ok()) {
                        rates.add(FlopCounter.gemm(gemm) / (r.medianMillis() * 1e6));
                    } else {
                        skip = r.skipReason();
                    }
                }
                if (!rates.isEmpty()) {
                    GemmPeak p = new GemmPeak(rates);
                    gemmRates.put(engine, p);
                    out.printf(Locale.ROOT, "  gemm %dx%dx%d on %-16s %s%n", gemm, gemm, gemm, engine, p.describe());
                } else {
                    out.printf(Locale.ROOT, "  gemm on %s: %s%n", engine, skip);
                }
            }
        }
        double peak = gemmRates.values().stream().mapToDouble(GemmPeak::best).max().orElse(Double.NaN);
        String peakEngine = gemmRates.entrySet().stream().filter(e -> e.getValue().best() == peak)
                .map(Map.Entry::getKey).findFirst().orElse("none");

        // 2. Every case, engines alternating within each (size, mode), rounds repeating the whole sequence.
        Map<String, CaseResult> results = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (Workload w : workloads) {
                Network net = CaseRunner.benchNetwork(w.size());
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
        // 3. The data pipeline alone, in this process (no case runs now), against the fastest training step.
        String loader = loaderBatches > 0 ? loaderSection(workloads, engines, results, out) : "";

        String table = String.format(Locale.ROOT, "Machine: %d processors (%s), %d engine threads; load average %s "
                + "at the start, %s at the end; %d warm-up + %d timed steps per case, %d round(s).%n%n",
                Runtime.getRuntime().availableProcessors(), cpuModel(), nThreads, startLoad, loadAverage(), warmup,
                iterations, rounds)
                + table(workloads, modeList, engines, results, peak, peakEngine, gemmRates, nThreads) + loader;
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
            if (!chart.isEmpty()) {
                Path png = BenchChart.besides(output);
                chart.write(png, String.format(Locale.ROOT, "vgg4j bench, narrow VGG-11, %d threads", nThreads),
                        Double.isNaN(peak) ? "ms/step (median)"
                                : String.format(Locale.ROOT, "%% of matmul peak (%.0f GFLOP/s)", peak));
                out.println("chart written to " + png);
            }
        }
        out.flush();
        return 0;
    }

    private String table(List<Workload> workloads, List<String> modeList, List<String> engines,
            Map<String, CaseResult> results, double peak, String peakEngine, Map<String, GemmPeak> gemmRates,
            int nThreads) {
        StringBuilder sb = new StringBuilder();
        if (!gemmRates.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "Measured matrix-multiply peak: **%.1f GFLOP/s** (fastest of %d warmed-up "
                    + "runs per engine, %s, %dx%dx%d float32 product, %d threads); %% of peak divides by it.%n%n",
                    peak, peakRuns, peakEngine, gemm, gemm, gemm, nThreads));
            sb.append("| engine | peak runs | best GFLOP/s | min | median | max |\n|---|---|---|---|---|---|\n");
            for (Map.Entry<String, GemmPeak> e : gemmRates.entrySet()) {
                GemmPeak p = e.getValue();
                sb.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f | %.1f |%n", e.getKey(),
                        p.rates().size(), p.best(), p.min(), p.median(), p.max()));
            }
            sb.append('\n');
        }
        if (torchProbe != null) {
            sb.append("Native PyTorch reference: ").append(torchProbe.describe())
                    .append(torchProbe.optimised() ? "." : " -- **not an optimised BLAS: 'x native PyTorch' is not a "
                            + "fair ratio**.").append("\n\n");
        }
        sb.append("| backend | mode | size | batch | ms/step (median) | min-max | images/s | GFLOP/s | % of matmul peak "
                + "| x native PyTorch | peak RSS MB |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Workload w : workloads) {
            Network net = CaseRunner.benchNetwork(w.size());
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
                    chart.add(mode + " " + w.size(), engine, Double.isNaN(peak) ? ms : 100 * gflops / peak);
                    String ratio = reference != null && reference.ok()
                            ? String.format(Locale.ROOT, "%.2fx", ms / reference.medianMillis()) : "-";
                    sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %.1f | %.1f-%.1f | %.0f | %.1f | %s | %s | %,d |%n",
                            engine, mode, w.size(), w.batch(), ms, r.minMillis(), r.maxMillis(), w.batch() * 1000.0 / ms,
                            gflops, Double.isNaN(peak) ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * gflops / peak),
                            ratio, r.peakRssKb() / 1024));
                }
            }
        }
        return sb.toString();
    }

    /**
     * Times the background batch loader over the Fashion-MNIST training split (found where {@code vgg4j train} finds
     * it, never downloaded) at each workload, and compares it with the fastest engine's training images/s there.
     */
    private String loaderSection(List<Workload> workloads, List<String> engines, Map<String, CaseResult> results,
            PrintWriter out) {
        ImageDataset data;
        try {
            data = ImageDataset.load(DataLocator.builder().allowDownload(false).build().locate(FashionMnist.SPEC),
                    Split.TRAIN);
        } catch (Vgg4jException e) {
            out.println("  data pipeline skipped: " + e.getMessage());
            return "\nData pipeline: skipped (" + e.getMessage().replace('\n', ' ') + ")\n";
        }
        boolean augmented = !loaderAugment.equals(DataConfig.AUGMENT_NONE);
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%nData pipeline alone (DataLoader, %s "
                + "training split, %d timed batches after 2, background thread) against the fastest training step:%n%n"
                + "| size | batch | loader images/s | fastest training images/s | loader / training |%s%n"
                + "|---|---|---|---|---|%s%n", data.spec().displayName(), loaderBatches,
                augmented ? " loader images/s, --augment " + loaderAugment + " | images per loader-thread CPU-second, "
                        + "plain / augmented |" : "", augmented ? "---|---|" : ""));
        for (Workload w : workloads) {
            double rate = LoaderBench.imagesPerSecond(data, w.size(), w.batch(), 2, loaderBatches);
            String withAugment = "";
            if (augmented) {
                // Alternate plain and augmented runs and keep the best of three each, so that neither gains from
                // running after the other has warmed up the JIT.
                DataConfig d = DataConfig.reference().withAugmentation(loaderAugment,
                        loaderAugment.startsWith(DataConfig.AUGMENT_CROP) ? 4 : null);
                double a = 0;
                for (int round = 0; round < 3; round++) {
                    a = Math.max(a, LoaderBench.imagesPerSecond(data, w.size(), w.batch(), 2, loaderBatches,
                            Augmentation.of(d, w.size())));
                    if (round < 2) {
                        rate = Math.max(rate, LoaderBench.imagesPerSecond(data, w.size(), w.batch(), 2,
                                loaderBatches));
                    }
                }
                double cpuPlain = 0;
                double cpuAugmented = 0;
                for (int round = 0; round < 3; round++) {
                    cpuPlain = Math.max(cpuPlain, LoaderBench.imagesPerCpuSecond(data, w.size(), w.batch(),
                            loaderBatches, Augmentation.none()));
                    cpuAugmented = Math.max(cpuAugmented, LoaderBench.imagesPerCpuSecond(data, w.size(), w.batch(),
                            loaderBatches, Augmentation.of(d, w.size())));
                }
                out.printf(Locale.ROOT, "  loader %-8s %9.0f images/s with --augment %s (best of 3, alternating); "
                        + "per CPU-second of the loader thread: %.0f plain, %.0f augmented (%.2fx)%n", w, a,
                        loaderAugment, cpuPlain, cpuAugmented, cpuAugmented / cpuPlain);
                withAugment = String.format(Locale.ROOT, " %.0f | %.0f / %.0f |", a, cpuPlain, cpuAugmented);
            }
            String fastest = "-";
            String ratio = "-";
            double best = Double.NaN;
            String bestEngine = null;
            for (String engine : engines) {
                CaseResult r = results.get(key(engine, "train", w));
                if (r != null && r.ok() && (bestEngine == null || r.medianMillis() < best)) {
                    best = r.medianMillis();
                    bestEngine = engine;
                }
            }
            if (bestEngine != null) {
                double train = w.batch() * 1000.0 / best;
                fastest = String.format(Locale.ROOT, "%.0f (%s)", train, bestEngine);
                ratio = String.format(Locale.ROOT, "%.1fx", rate / train);
            }
            out.printf(Locale.ROOT, "  loader %-8s %9.0f images/s  (%s of the fastest training step)%n", w, rate, ratio);
            out.flush();
            sb.append(String.format(Locale.ROOT, "| %d | %d | %.0f | %s | %s |%s%n", w.size(), w.batch(), rate, fastest,
                    ratio, withAugment));
        }
        return sb.toString();
    }

    /** The key of one case in the results map: {@code engine|mode|size|batch}. */
    static String key(String engine, String mode, Workload w) {
        return engine + "|" + mode + "|" + w.size() + "|" + w.batch();
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
            TorchProbe probe = TorchProbe.of(candidate);
            if (probe != null) {
                torchProbe = probe;
                out.println("native PyTorch: " + candidate + " (" + probe.describe() + ")");
                if (!probe.optimised()) {
                    out.println("WARNING: native PyTorch runs on " + probe.blas() + ", not an optimised BLAS: its "
                            + "matrix products are tens of times slower than in a PyTorch wheel, so 'x native PyTorch' "
                            + "is not a fair ratio (on Debian: apt-get install libopenblas0-pthread)");
                }
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
        TorchProbe p = TorchProbe.of(interpreter);
        return p == null ? null : p.torchVersion();
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
}
