package org.vgg4j.benchmarks.soak;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.vgg4j.core.io.AtomicWrite;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.core.spi.BackendStatus;
import org.vgg4j.core.spi.Backends;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The soak benchmark of issue 9: trains every trainable backend (or those named) for 3,000 steps at 32x32, each in
 * its own JVM, samples the resident set every 25 steps, writes {@code soak-LABEL.csv} and {@code soak-LABEL.png}
 * and passes (exit 0) when the least-squares slope of the resident set over the last 2,000 steps is under
 * 0.02 MiB per step on every backend (exit 1 otherwise, 2 for bad options).
 */
@Command(name = "soak", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Trains each trainable backend for many steps in its own JVM, sampling its resident memory, "
                + "and checks that memory stops growing.")
public final class SoakBenchmark implements Callable<Integer> {
    @Option(names = "--backends", split = ",", description = "backends to soak (default: every available one "
            + "that can train)")
    List<String> backends = new ArrayList<>();

    @Option(names = "--steps", defaultValue = "3000", description = "training steps per backend (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--interval", defaultValue = "25", description = "steps between samples (default: ${DEFAULT-VALUE})")
    int interval;

    @Option(names = "--window", defaultValue = "2000", description = "the slope covers the last this many steps "
            + "(default: ${DEFAULT-VALUE})")
    int window;

    @Option(names = "--bound", defaultValue = "0.02", description = "largest slope that passes, MiB per step "
            + "(default: ${DEFAULT-VALUE})")
    double bound;

    @Option(names = "--size", defaultValue = "32", description = "image side (default: ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--batch", defaultValue = "64", description = "images per step (default: ${DEFAULT-VALUE}, "
            + "vgg4j train's)")
    int batch;

    @Option(names = "--threads", description = "engine threads (default: all processors)")
    Integer threads;

    @Option(names = "--java-opt", description = "an option for every child JVM (repeatable), e.g. -Xmx512m")
    List<String> javaOptions = new ArrayList<>();

    @Option(names = "--leak-kib", defaultValue = "0", description = "keep this many KiB of native memory per step on "
            + "purpose, to see the criterion fail (default: ${DEFAULT-VALUE})")
    int leakKib;

    @Option(names = "--label", defaultValue = "run", description = "names the output files soak-LABEL.csv/.png "
            + "(default: ${DEFAULT-VALUE})")
    String label;

    @Option(names = "--output", defaultValue = "target/soak", description = "directory of the CSV, the "
            + "PNG and the children's logs (default: ${DEFAULT-VALUE})")
    Path output;

    @Option(names = "--timeout", defaultValue = "3600", description = "seconds allowed to one backend "
            + "(default: ${DEFAULT-VALUE})")
    int timeout;

    /**
     * Runs the soak benchmark and exits with 0 (every slope under the limit), 1 (a slope over it) or 2 (bad options).
     *
     * @param args the command line (see {@code --help})
     */
    public static void main(String[] args) {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        System.exit(new CommandLine(new SoakBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        if (window > steps || window < 2 * interval) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--window must be between 2 x --interval ("
                    + 2 * interval + ") and --steps (" + steps + "), got " + window);
        }
        if (!ProcessMemory.supported()) {
            System.err.println("error: the soak reads resident memory from /proc/self/status, which this system "
                    + "does not have (Linux only)");
            return 1;
        }
        List<String> names = backends.isEmpty() ? trainable() : backends;
        int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        SoakConfig config = new SoakConfig(steps, interval, size, batch, t, 1, leakKib, javaOptions);
        String loadBefore = loadAverage();
        System.out.printf(Locale.ROOT, "soak: %s, %d steps at %dx%d batch %d, %d engine threads, sampled every %d "
                + "steps%s; load average %s%n", names, steps, size, size, batch, t, interval,
                javaOptions.isEmpty() ? "" : ", child JVM options " + javaOptions, loadBefore);
        SoakLauncher launcher = new SoakLauncher(output.resolve("logs"), timeout);
        List<SoakResult> results = new ArrayList<>();
        for (String name : names) {
            SoakResult r = launcher.run(name, config, window);
            results.add(r);
            System.out.println(summary(r));
            if (!r.breakdown().isEmpty()) {
                System.out.println("           " + r.breakdown());
            }
        }
        String loadAfter = loadAverage();
        Path csv = output.resolve("soak-" + label + ".csv");
        Path png = output.resolve("soak-" + label + ".png");
        AtomicWrite.write(csv, out -> {
            StringBuilder sb = new StringBuilder(SoakSample.CSV_HEADER).append('\n');
            for (SoakResult r : results) {
                r.samples().forEach(s -> sb.append(s.csv(r.backend())).append('\n'));
            }
            out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        });
        SoakChart.write(png, String.format(Locale.ROOT, "soak %s: %dx%d batch %d, %d threads, load %s -> %s", label,
                size, size, batch, t, loadBefore.split(" ")[0], loadAfter.split(" ")[0]), results);
        boolean pass = true;
        for (SoakResult r : results) {
            pass &= r.rssSlopeMibPerStep() < bound;
        }
        System.out.printf(Locale.ROOT, "load average at the end %s; wrote %s and %s%n", loadAfter, csv, png);
        System.out.printf(Locale.ROOT, "criterion: slope over the last %d steps < %s MiB/step on every backend: %s%n",
                window, bound, pass ? "met" : "NOT met");
        return pass ? 0 : 1;
    }

    /** One line per backend: resident set at the start, peak and end, the slope, the median step time. */
    static String summary(SoakResult r) {
        return String.format(Locale.ROOT, "%-10s RSS %.0f MiB before the first step, max %.0f, end %.0f; slope over "
                + "the last %d steps %+.4f MiB/step; Java heap used at the end %.0f MiB of %.0f committed, direct "
                + "buffers %.1f MiB; median %.1f ms/step", r.backend(), r.startRssMib(), r.maxRssMib(), r.endRssMib(),
                r.windowSteps(), r.rssSlopeMibPerStep(), last(r).heapUsedKib() / 1024.0,
                last(r).heapCommittedKib() / 1024.0, last(r).directKib() / 1024.0, r.medianMsPerStep());
    }

    private static SoakSample last(SoakResult r) {
        return r.samples().get(r.samples().size() - 1);
    }

    private static List<String> trainable() {
        Backends found = Backends.discover();
        List<String> names = new ArrayList<>();
        for (BackendStatus s : found.list()) {
            if (!s.availability().available()) {
                System.out.println("skipping " + s.name() + ": " + s.availability().detail());
                continue;
            }
            Backend b = found.select(s.name());
            if (b.capabilities().training()) {
                names.add(s.name());
            } else {
                System.out.println("skipping " + s.name() + ": cannot train (" + b.capabilities().limitations() + ")");
            }
        }
        return names;
    }

    /** The three load averages of {@code /proc/loadavg}, or "unknown". */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
