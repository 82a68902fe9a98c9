package org.vgg4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.cli.Main;
import org.vgg4j.core.train.Checkpoint;
import org.vgg4j.core.train.CheckpointStore;

/**
 * Runs in separate JVM processes: a second {@code vgg4j train} into the directory of a live one fails at once naming
 * the first one's process (before, both "succeeded" and one's checkpoint held the other's weights), and a run killed
 * with kill -9 around its second checkpoint resumes from its newest complete checkpoint with nothing left over.
 * Needs the Debian package {@code dataset-fashion-mnist} (CI installs it).
 */
class ConcurrentRunTest {
    @TempDir
    Path dir;

    private static List<String> vgg4j(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", Main.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Reads a process's output on another thread, completing {@code seen} with the first line containing text. */
    private static StringBuilder pump(Process p, String text, CompletableFuture<String> seen) {
        StringBuilder all = new StringBuilder();
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null;) {
                    synchronized (all) {
                        all.append(line).append('\n');
                    }
                    if (line.contains(text)) {
                        seen.complete(line);
                    }
                }
            } catch (java.io.IOException e) {
                seen.completeExceptionally(e);
            }
            seen.complete(null);
        });
        t.setDaemon(true);
        t.start();
        return all;
    }

    /** Waits (generously: shared CI machines are slow) for the line, failing with the process's output. */
    private static void await(CompletableFuture<String> line, StringBuilder out) throws Exception {
        String seen;
        try {
            seen = line.get(15, TimeUnit.MINUTES);
        } catch (java.util.concurrent.TimeoutException e) {
            synchronized (out) {
                throw new AssertionError("no such line after 15 minutes; output so far:\n" + out, e);
            }
        }
        synchronized (out) {
            assertThat(seen).as(out.toString()).isNotNull();
        }
    }

    @Test
    void aSecondProcessIntoTheSameRunDirectoryFailsAtOnceNamingTheFirst() throws Exception {
        RealData.assumeInstalled();
        Path run = dir.resolve("run");
        String[] job = {"train", "--ratio", "64", "--image-size", "32", "--batch-size", "32", "--epochs", "50",
            "--test-limit", "100", "--progress", "lines", "--output", run.toString()};
        List<String> first = new ArrayList<>(List.of("env", "--default-signal=INT"));
        first.addAll(vgg4j(job));
        first.addAll(List.of("--backend", "pytorch"));
        Process p1 = new ProcessBuilder(first).redirectErrorStream(true).start();
        try {
            CompletableFuture<String> started = new CompletableFuture<>();
            StringBuilder out1 = pump(p1, "epoch 1:", started);
            await(started, out1);

            List<String> second = vgg4j(job);
            second.addAll(List.of("--backend", "tensorflow"));
            long t0 = System.nanoTime();
            Process p2 = new ProcessBuilder(second).start();
            assertThat(p2.waitFor(10, TimeUnit.MINUTES)).isTrue();
            double seconds = (System.nanoTime() - t0) / 1e9;
            String err2 = new String(p2.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            String out2 = new String(p2.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            System.out.printf("second run refused after %.1f s (JVM start included): %s%n", seconds, err2.strip());
            assertThat(p2.exitValue()).as(err2).isEqualTo(1);
            assertThat(err2.lines().toList()).singleElement().asString().isEqualTo("error: run directory " + run
                    + " is in use by process " + p1.pid() + ": wait for that run to end, or write this one somewhere else");
            assertThat(out2).doesNotContain("epoch 1");
            assertThat(p1.isAlive()).isTrue();

            // env exec()s java, so the process is the JVM itself.
            new ProcessBuilder("kill", "-INT", Long.toString(p1.pid())).start().waitFor();
            assertThat(p1.waitFor(10, TimeUnit.MINUTES)).isTrue();
            assertThat(p1.exitValue()).as(out1.toString()).isEqualTo(130);
            Checkpoint cp = CheckpointStore.load(run);
            assertThat(cp.backend()).isEqualTo("pytorch");
        } finally {
            p1.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            p1.destroyForcibly();
        }
    }

    @Test
    void aRunKilledWithKill9ResumesFromItsNewestCheckpointWithNothingLeftOver() throws Exception {
        RealData.assumeInstalled();
        long[] delaysMillis = {30};
        for (long delay : delaysMillis) {
            Path run = dir.resolve("run-" + delay);
            Process p = new ProcessBuilder(vgg4j("train", "--ratio", "64", "--image-size", "32", "--batch-size", "32",
                    "--train-limit", "1600", "--test-limit", "100", "--epochs", "3", "--progress", "lines",
                    "--output", run.toString())).redirectErrorStream(true).start();
            try {
                // After epoch 2's line its checkpoint is being written: the kill lands before, during or after it.
                CompletableFuture<String> epoch = new CompletableFuture<>();
                StringBuilder out = pump(p, "epoch 2, loss", epoch);
                await(epoch, out);
                Thread.sleep(delay);
                p.destroyForcibly(); // SIGKILL: no shutdown hook, no clean-up, wherever it is
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            } finally {
                p.destroyForcibly();
            }
            RealData.CliResult resumed = RealData.vgg4j("train", "--resume", run.toString(), "--progress", "lines");
            assertThat(resumed.exit()).as(resumed.err()).isZero();
            assertThat(resumed.out()).contains("resuming from");
            assertThat(Files.readAllLines(run.resolve("metrics.csv"))).hasSize(4);
            assertThat(CheckpointStore.load(run).position().epoch()).isEqualTo(3);
            try (Stream<Path> files = Files.walk(run)) {
                List<String> names = files.map(f -> run.relativize(f).toString()).toList();
                assertThat(names).noneMatch(n -> n.endsWith(".tmp"));
                assertThat(names).filteredOn(n -> n.endsWith(".safetensors") && !n.endsWith(".optim.safetensors"))
                        .allSatisfy(n -> assertThat(run.resolve(n.replace(".safetensors", ".json"))).exists());
            }
        }
    }
}
