package org.vgg4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vgg4j.core.config.EarlyStoppingConfig;
import org.vgg4j.core.train.Checkpoint;
import org.vgg4j.core.train.CheckpointStore;
import org.vgg4j.core.train.EpochMetrics;

/**
 * {@code train --early-stop-patience}: options checked before anything is read; a run at 32x32 on 256 images that
 * stops early, keeps {@code checkpoints/best.*} of its best epoch (which {@code evaluate} reads back to the same test
 * accuracy), says which epoch was best and why it stopped; a resume of it with the same settings has nothing to do,
 * and one with a larger patience trains on. (That a run stopped and resumed stops at the same epoch with the same best
 * as an uninterrupted one is proven on the reference backend, in core's {@code FitEarlyStoppingTest}.)
 */
class EarlyStoppingCliTest {
    @TempDir
    Path dir;

    private static List<String> small(Path run, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--image-size", "32", "--train-limit", "256",
                "--test-limit", "128", "--batch-size", "64", "--backend", "pytorch", "--progress", "lines",
                "--output", run.toString()));
        args.addAll(List.of(more));
        return args;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "--early-stop-patience -1|error: --early-stop-patience must be from 0 to 100000, got -1",
        "--early-stop-metric f1|error: unknown --early-stop-metric 'f1': use val-accuracy or val-loss",
        "--early-stop-min-delta 1.5|error: --early-stop-min-delta must be from 0 to 1, got 1.5",
        "--early-stop-metric val-loss|error: --early-stop-metric needs --early-stop-patience N (N >= 1): early stopping is off",
        "--early-stop-patience 0 --early-stop-min-delta 0.1|error: --early-stop-min-delta needs --early-stop-patience N (N >= 1): early stopping is off",
    })
    void badSettingsAreRefusedBeforeAnythingIsRead(String options, String message) {
        List<String> args = small(dir.resolve("run"), options.split(" "));
        args.addAll(List.of("--data-dir", dir.resolve("nowhere").toString(), "--no-download"));
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.errLines()).singleElement().asString().startsWith(message);
        assertThat(dir.resolve("run")).doesNotExist();
    }

    @Test
    void stopsEarlyKeepsTheBestCheckpointAndResumesByItsSettings() {
        ServeFixtures.assumeFashionMnist();
        Path run = dir.resolve("run");
        // An accuracy can never beat the best by more than 1, so epoch 1 stays the best and the run stops after
        // epoch 1 + patience = 3 of 6, whatever the numbers.
        CliRun train = CliRun.of(small(run, "--epochs", "6", "--early-stop-patience", "2",
                "--early-stop-min-delta", "1").toArray(String[]::new));
        assertThat(train.exit()).as(train.err() + train.out()).isZero();
        Path checkpoints = run.resolve("checkpoints");
        assertThat(checkpoints.resolve("epoch-003.json")).exists();
        assertThat(checkpoints.resolve("epoch-004.json")).doesNotExist();
        Checkpoint last = CheckpointStore.load(run);
        assertThat(last.position().epoch()).as("the newest checkpoint is the last epoch's, not best.json").isEqualTo(3);
        assertThat(last.config().training().earlyStopping())
                .isEqualTo(new EarlyStoppingConfig(2, "val-accuracy", 1.0));
        List<EpochMetrics> history = last.history();
        assertThat(history).hasSize(3);
        String best = String.format(Locale.ROOT, "%.4f", history.get(0).testAccuracy());
        assertThat(train.out()).contains("early stopping: best epoch 1 (val-accuracy " + best + "), best checkpoint "
                + checkpoints.resolve("best.json") + "; stopped early after epoch 3 of 6: val-accuracy did not "
                + "improve by more than 1.0 for 2 epochs (best " + best + " at epoch 1)");

        // best.* is epoch 1's checkpoint, complete and verified; evaluate reads it back to epoch 1's test accuracy.
        Checkpoint bestCp = CheckpointStore.load(checkpoints.resolve("best.json"));
        assertThat(bestCp.position().epoch()).isEqualTo(1);
        assertThat(bestCp.history()).containsExactly(history.get(0));
        Checkpoint epochOne = CheckpointStore.load(checkpoints.resolve("epoch-001.json"));
        assertThat(bestCp.parameters().maxAbsDiff(epochOne.parameters())).isZero();
        assertThat(bestCp.parameters().maxAbsDiff(last.parameters())).isPositive();
        CliRun evaluate = CliRun.of("evaluate", "--checkpoint", checkpoints.resolve("best.json").toString(),
                "--test-limit", "128", "--backend", "pytorch");
        assertThat(evaluate.exit()).as(evaluate.err()).isZero();
        assertThat(evaluate.out()).contains("on 128 test images").contains("accuracy " + best + ",");

        // Resumed with the same settings there is nothing to do; with a larger patience it trains one more epoch.
        CliRun again = CliRun.of("train", "--resume", run.toString(), "--progress", "lines");
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).contains("nothing to do: early stopping ended this run after epoch 3: val-accuracy "
                + "did not improve by more than 1.0 for 2 epochs");
        CliRun more = CliRun.of("train", "--resume", run.toString(), "--early-stop-patience", "3", "--progress",
                "lines", "--backend", "pytorch");
        assertThat(more.exit()).as(more.err() + more.out()).isZero();
        assertThat(more.out()).contains("stopped early after epoch 4 of 6").doesNotContain("conflict");
        assertThat(CheckpointStore.load(run).config().training().earlyStopping().patience()).isEqualTo(3);
        assertThat(CheckpointStore.load(run).history().subList(0, 3)).isEqualTo(history);
    }
}
