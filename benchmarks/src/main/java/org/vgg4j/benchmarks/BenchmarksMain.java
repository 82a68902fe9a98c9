package org.vgg4j.benchmarks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.core.spi.BackendStatus;
import org.vgg4j.core.spi.Backends;

/**
 * Runs the JMH benchmarks on every available backend: {@link InferenceBenchmark} on all of them and
 * {@link TrainingStepBenchmark} on those that can train (the others are printed with the reason and left out).
 * Takes JMH's own command-line options ({@code -p size=32 -wi 1 -i 3 ...}; {@code -p backend=...} narrows the
 * backends; an include regex picks the benchmark classes) and sets every engine's intra-op threads in the forks
 * to {@code -Dvgg4j.bench.threads} (default: the processors available).
 */
public final class BenchmarksMain {
    private BenchmarksMain() {
    }

    /**
     * Runs the benchmarks and prints JMH's results.
     *
     * @param args JMH command-line options
     * @throws RunnerException             if JMH fails to run a benchmark
     * @throws CommandLineOptionException if {@code args} are not valid JMH options
     */
    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        CommandLineOptions cli = new CommandLineOptions(args);
        int threads = Integer.getInteger("vgg4j.bench.threads", Runtime.getRuntime().availableProcessors());
        Optional<Collection<String>> requested = cli.getParameter("backend").hasValue()
                ? Optional.of(cli.getParameter("backend").get()) : Optional.empty();
        List<String> all = new ArrayList<>();
        List<String> trainable = new ArrayList<>();
        Backends backends = Backends.discover();
        for (BackendStatus s : backends.list()) {
            if (requested.isPresent() && requested.get().stream().noneMatch(r -> r.equalsIgnoreCase(s.name()))) {
                continue;
            }
            if (!s.availability().available()) {
                System.out.println("skipping backend " + s.name() + ": " + s.availability().detail());
                continue;
            }
            all.add(s.name());
            Backend b = backends.select(s.name());
            if (b.capabilities().training()) {
                trainable.add(s.name());
            } else {
                System.out.println("training step skipped on " + s.name() + ": " + b.capabilities().limitations());
            }
        }
        String[] jvmArgs = {
            "-Dai.djl.offline=true",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            "-Dai.djl.pytorch.num_threads=" + threads,
            "-Dai.djl.tensorflow.num_intraop_threads=" + threads,
            "-Dvgg4j.onnx.threads=" + threads,
        };
        System.out.printf(Locale.ROOT, "vgg4j JMH benchmarks: backends %s (training: %s), %d engine threads%n", all,
                trainable, threads);
        if (selected(cli, InferenceBenchmark.class) && !all.isEmpty()) {
            new Runner(new OptionsBuilder().parent(cli)
                    .include(Pattern.quote(InferenceBenchmark.class.getName()))
                    .exclude(Pattern.quote(TrainingStepBenchmark.class.getName()))
                    .param("backend", all.toArray(String[]::new))
                    .jvmArgsAppend(jvmArgs).build()).run();
        }
        if (selected(cli, TrainingStepBenchmark.class) && !trainable.isEmpty()) {
            new Runner(new OptionsBuilder().parent(cli)
                    .include(Pattern.quote(TrainingStepBenchmark.class.getName()))
                    .exclude(Pattern.quote(InferenceBenchmark.class.getName()))
                    .param("backend", trainable.toArray(String[]::new))
                    .jvmArgsAppend(jvmArgs).build()).run();
        }
    }

    private static boolean selected(CommandLineOptions cli, Class<?> benchmark) {
        List<String> includes = cli.getIncludes();
        return includes.isEmpty() || includes.stream().anyMatch(r -> Pattern.compile(r).matcher(benchmark.getName()).find());
    }
}
