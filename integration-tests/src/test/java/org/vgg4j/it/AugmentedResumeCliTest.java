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
import org.vgg4j.core.train.CheckpointStore;

/**
 * Issue 11's augmentation criterion through the command line: {@code train --augment crop,flip} stopped by Ctrl-C in
 * the middle of epoch 2 (a separate JVM) and resumed gives the same metrics.csv values (6 decimals) as the same
 * run uninterrupted, because each image's crop and flip depend only on (seed, epoch, index).
 */
class AugmentedResumeCliTest {
    @TempDir
    Path dir;

    private static final List<String> COMMON = List.of("--image-size", "32", "--train-limit", "3200",
            "--test-limit", "500", "--epochs", "2", "--seed", "7", "--augment", "crop,flip", "--progress", "lines");

    @Test
    void aRunInterruptedMidEpochAndResumedMatchesTheUninterruptedOne() throws Exception {
        RealData.assumeInstalled();
        Path full = dir.resolve("full");
        List<String> args = new ArrayList<>(List.of("train"));
        args.addAll(COMMON);
        args.addAll(List.of("--output", full.toString()));
        RealData.CliResult whole = RealData.vgg4j(args.toArray(String[]::new));
        assertThat(whole.exit()).as(whole.err()).isZero();
        assertThat(whole.out()).contains("augment crop,flip (padding 4)");

        Path split = dir.resolve("split");
        List<String> cmd = new ArrayList<>(List.of("env", "--default-signal=INT",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true", "org.vgg4j.cli.Main",
                "train"));
        cmd.addAll(COMMON);
        cmd.addAll(List.of("--output", split.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        StringBuilder seen = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                seen.append(line).append('\n');
                if (line.contains("epoch 2:  30%")) {
                    new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
                }
            }
        }
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(seen.toString()).isEqualTo(130);
        Path stopped;
        try (Stream<Path> files = Files.list(split.resolve("checkpoints"))) {
            stopped = files.filter(f -> f.getFileName().toString().matches("stopped-e002-b\\d{5}\\.json"))
                    .findFirst().orElseThrow();
        }
        var position = CheckpointStore.readManifest(stopped).position();
        assertThat(position.batch()).as("stopped mid-epoch").isBetween(1, 48);
        assertThat(CheckpointStore.readManifest(stopped).config().data().augment()).isEqualTo("crop,flip");

        RealData.CliResult resumed = RealData.vgg4j("train", "--resume", split.toString(), "--progress", "lines");
        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("resuming from").contains("augment crop,flip (padding 4)");
        List<String[]> a = RealData.metrics(full);
        List<String[]> b = RealData.metrics(split);
        assertThat(b).hasSize(2);
        for (int epoch = 0; epoch < 2; epoch++) {
            for (int col : new int[] {1, 2, 3, 4, 6}) {
                assertThat(b.get(epoch)[col]).as("epoch %d column %d", epoch + 1, col).isEqualTo(a.get(epoch)[col]);
            }
        }
    }
}
