package org.vgg4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.core.config.RunConfig;
import org.vgg4j.core.config.RunConfigJson;

/**
 * {@code --resume} with options that contradict the checkpoint is refused, listing each conflict with the
 * checkpoint's and the given value, before any data is read; the same values given again, and {@code --epochs}, are
 * fine. Before this, vgg4j silently trained the checkpoint's configuration and ignored the options. The checkpoint is
 * one that the vgg4j before the typed configuration wrote (format version 1).
 */
class ResumeConflictTest {
    @TempDir
    Path dir;

    private CliRun resume(Path run, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--resume", run.toString(), "--data-dir",
                dir.resolve("nowhere").toString(), "--no-download", "--progress", "lines"));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void conflictingOptionsAreAllListedAndRefused() {
        Path run = LegacyRun.copyTo(dir, "run");
        CliRun r = resume(run, "--model", "vgg16", "--image-size", "64", "--lr", "0.01", "--train-limit", "100",
                "--epochs", "3");
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.errLines()).singleElement().asString()
                .startsWith("error: --resume " + run.resolve("checkpoints/epoch-001.json") + " conflicts with 4 options given: ")
                .contains("--model (checkpoint: vgg11, given: vgg16)")
                .contains("--image-size (checkpoint: 32, given: 64)")
                .contains("--lr (checkpoint: 0.001, given: 0.01)")
                .contains("--train-limit (checkpoint: 64, given: 100)")
                .doesNotContain("--epochs").doesNotContain("not found");
        CliRun one = resume(run, "--seed", "1");
        assertThat(one.err()).contains("conflicts with an option given: --seed (checkpoint: 42, given: 1)");
        assertThat(one.exit()).isEqualTo(2);
    }

    @Test
    void aDifferentAugmentationIsAConflictButTheSameIsNot() {
        // The legacy run predates augmentation: it is read as --augment none.
        Path run = LegacyRun.copyTo(dir, "run");
        CliRun crop = resume(run, "--augment", "crop,flip", "--epochs", "2");
        assertThat(crop.exit()).as(crop.err()).isEqualTo(2);
        assertThat(crop.errLines()).singleElement().asString()
                .contains("conflicts with an option given: --augment (checkpoint: none, given: crop,flip)");
        CliRun padding = resume(run, "--crop-padding", "2");
        assertThat(padding.exit()).isEqualTo(2);
        assertThat(padding.errLines()).singleElement().asString().contains("--crop-padding is for --augment crop")
                .contains("with --resume, give the checkpoint's --augment too");
        CliRun same = resume(run, "--augment", "none", "--epochs", "2");
        assertThat(same.out()).contains("resuming from");
        assertThat(same.err()).doesNotContain("conflict");
    }

    @Test
    void theCheckpointsOwnValuesAndEpochsAreNoConflict() {
        Path run = LegacyRun.copyTo(dir, "run");
        CliRun same = resume(run, "--model", "VGG-11", "--ratio", "64", "--image-size", "32", "--lr", "1e-3",
                "--batch-size", "32", "--train-limit", "64", "--epochs", "2");
        assertThat(same.exit()).isEqualTo(1);
        assertThat(same.out()).contains("resuming from");
        assertThat(same.err()).contains("not found").doesNotContain("conflict");
    }

    @Test
    void aResumeWithoutEpochsKeepsTheCheckpointsTotal() {
        // The legacy run was started with --epochs 1 and finished it. Before, --resume without --epochs silently
        // meant the default 5 and trained four more epochs.
        Path run = LegacyRun.copyTo(dir, "run");
        CliRun r = resume(run);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("nothing to do: the checkpoint has already completed 1 epochs (--epochs 1)");
    }

    @Test
    void everyFieldOfTheRunConfigurationHasTheOptionThatSetsIt() {
        // A field added to RunConfig (issue 10's layout, issue 11's schedules) must name its option here, or a resume
        // could not tell the user which option contradicts the checkpoint.
        List<String> paths = new ArrayList<>();
        collect("", RunConfigJson.toTree(RunConfig.reference()), paths);
        assertThat(paths).isNotEmpty();
        assertThat(TrainCommand.OPTION_OF_FIELD.keySet()).containsExactlyInAnyOrderElementsOf(paths);
    }

    private static void collect(String prefix, JsonNode node, List<String> out) {
        if (!node.isObject()) {
            out.add(prefix);
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            collect(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
        }
    }
}
