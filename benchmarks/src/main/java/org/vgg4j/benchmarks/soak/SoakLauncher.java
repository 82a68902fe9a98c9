package org.vgg4j.benchmarks.soak;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.vgg4j.core.Vgg4jException;

/**
 * Runs {@link SoakRunner} for one backend in a fresh child JVM (this JVM's {@code java} and class path, the
 * {@code vgg4j.*} and {@code ai.djl.*} system properties passed on, the configuration's thread count for every
 * engine) and reads back its samples, so that each backend's resident set is its own.
 */
public final class SoakLauncher {
    /** How the child's log line with its {@link MemoryBreakdown} at the end begins. */
    static final String BREAKDOWN = "memory at the end: ";
    /** How the child's log line after {@link MallocTrim#trim()} begins. */
    static final String TRIMMED = "after malloc_trim: ";
    private final Path workDir;
    private final int timeoutSeconds;

    /**
     * @param workDir        where the children's CSV files and logs go
     * @param timeoutSeconds seconds one child may run
     */
    public SoakLauncher(Path workDir, int timeoutSeconds) {
        this.workDir = workDir;
        this.timeoutSeconds = timeoutSeconds;
    }

    /**
     * Soaks {@code backend} as {@code config} says and returns its samples with the slope over the last
     * {@code windowSteps}.
     *
     * @param backend     the backend to train in the child JVM, by name
     * @param config      steps, sampling, sizes, threads, seed, leak and child JVM options
     * @param windowSteps how many of the last steps the slope covers
     * @return the child's samples (and its memory breakdown, when it wrote one)
     * @throws org.vgg4j.core.Vgg4jException if the child times out, fails or is interrupted
     * @throws java.io.UncheckedIOException  if its files cannot be written or read
     */
    public SoakResult run(String backend, SoakConfig config, int windowSteps) {
        try {
            Files.createDirectories(workDir);
            Path csv = Files.createTempFile(workDir, "soak-" + backend + "-", ".csv");
            Path log = Path.of(csv.toString().replaceAll("\\.csv$", ".log"));
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            for (String name : System.getProperties().stringPropertyNames()) {
                if (name.startsWith("vgg4j.") || name.startsWith("ai.djl.")) {
                    command.add("-D" + name + "=" + System.getProperty(name));
                }
            }
            int t = config.threads();
            command.addAll(List.of("-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=" + t,
                    "-Dai.djl.pytorch.num_interop_threads=1", "-Dai.djl.tensorflow.num_intraop_threads=" + t,
                    "-Dai.djl.tensorflow.num_interop_threads=1", "-Dvgg4j.onnx.threads=" + t,
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
            command.addAll(config.javaOptions());
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), SoakRunner.class.getName(),
                    csv.toString(), backend, String.valueOf(config.steps()), String.valueOf(config.interval()),
                    String.valueOf(config.size()), String.valueOf(config.batch()), String.valueOf(config.seed()),
                    String.valueOf(config.leakKibPerStep())));
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("OMP_NUM_THREADS", String.valueOf(t));
            pb.environment().putIfAbsent("TF_CPP_MIN_LOG_LEVEL", "2");
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new Vgg4jException("soak of " + backend + " did not finish in " + timeoutSeconds + " s (log "
                        + log + ")");
            }
            if (p.exitValue() != 0) {
                throw new Vgg4jException("soak of " + backend + " exited with " + p.exitValue() + ": "
                        + tail(log));
            }
            List<SoakSample> samples = Files.readAllLines(csv, StandardCharsets.UTF_8).stream().skip(1)
                    .map(SoakSample::parse).toList();
            String breakdown = String.join("; then ", Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                    .filter(l -> l.startsWith(BREAKDOWN) || l.startsWith(TRIMMED)).toList());
            return new SoakResult(backend, samples, windowSteps, breakdown);
        } catch (IOException e) {
            throw new UncheckedIOException("soak of " + backend + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Vgg4jException("interrupted during the soak of " + backend, e);
        }
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    }
}
