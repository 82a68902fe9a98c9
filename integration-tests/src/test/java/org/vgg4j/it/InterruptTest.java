package org.vgg4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.core.train.Checkpoint;
import org.vgg4j.core.train.CheckpointStore;

/**
 * Ctrl-C during {@code vgg4j train}: the process stops after the current step, saves a complete checkpoint, exits with
 * 130, and {@code --resume} finishes the run from there.
 */
class InterruptTest {
    @TempDir
    Path dir;

    @Test
    void ctrlCSavesACheckpointAndTheRunResumes() throws Exception {
        RealData.assumeInstalled();
        Path run = dir.resolve("run");
        // A process started in the background of a non-interactive shell (as CI may start this build) inherits SIGINT
        // ignored, and the JVM then keeps it ignored; coreutils' env resets it, as a terminal's Ctrl-C would find it.
        List<String> cmd = new ArrayList<>(List.of("env", "--default-signal=INT",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true", "org.vgg4j.cli.Main",
                "train", "--image-size", "32", "--train-limit", "6400", "--test-limit", "500", "--epochs", "1",
                "--progress", "lines", "--output", run.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        StringBuilder seen = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                seen.append(line).append('\n');
                if (line.contains("epoch 1:  20%")) {
                    new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
                }
            }
        }
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(seen.toString()).isEqualTo(130);
        assertThat(seen.toString()).contains("stopped: checkpoint saved to").contains("resume with");
        Path stopped;
        try (Stream<Path> files = Files.list(run.resolve("checkpoints"))) {
            stopped = files.filter(f -> f.getFileName().toString().matches("stopped-e001-b\\d{5}\\.json"))
                    .findFirst().orElseThrow();
        }
        Checkpoint cp = CheckpointStore.load(stopped);
        assertThat(cp.position().epoch()).isZero();
        assertThat(cp.position().batch()).isBetween(20, 99);
        try (Stream<Path> files = Files.list(run.resolve("checkpoints"))) {
            assertThat(files.filter(f -> f.getFileName().toString().endsWith(".tmp"))).isEmpty();
        }
        RealData.CliResult resumed = RealData.vgg4j("train", "--resume", run.toString(), "--epochs", "1",
                "--progress", "lines");
        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(RealData.metrics(run)).hasSize(1);
        assertThat(Double.parseDouble(RealData.metrics(run).get(0)[6])).isEqualTo(6400);
    }
}
