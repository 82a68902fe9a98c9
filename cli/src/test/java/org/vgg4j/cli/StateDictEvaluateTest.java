package org.vgg4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.core.param.SafeTensors;
import org.vgg4j.core.train.CheckpointStore;

/**
 * {@code evaluate --state-dict}: a checkpoint's weights saved as a bare state dict evaluate exactly as the checkpoint
 * does on the same test images, and {@code --mean}/{@code --std} change what the network sees.
 */
class StateDictEvaluateTest {
    @TempDir
    Path dir;

    @Test
    void aBareStateDictEvaluatesLikeItsCheckpoint() {
        Path run = dir.resolve("run");
        TestCheckpoints.save(run, 1);
        Path weights = dir.resolve("state.safetensors");
        SafeTensors.write(weights, CheckpointStore.load(run).parameters(), Map.of());
        CliRun checkpoint = CliRun.of("evaluate", "--checkpoint", run.toString(), "--test-limit", "64");
        CliRun bare = CliRun.of("evaluate", "--state-dict", weights.toString(), "--model", "vgg11", "--ratio", "8",
                "--image-size", "32", "--test-limit", "64");
        assertThat(checkpoint.exit()).as(checkpoint.err()).isZero();
        assertThat(bare.exit()).as(bare.err()).isZero();
        assertThat(results(bare)).isEqualTo(results(checkpoint)).contains("accuracy ");
        CliRun normalised = CliRun.of("evaluate", "--checkpoint", run.toString(), "--test-limit", "64", "--mean",
                "0.2860", "--std", "0.3530");
        assertThat(normalised.exit()).as(normalised.err()).isZero();
        assertThat(results(normalised)).isNotEqualTo(results(checkpoint));
        CliRun rgb = CliRun.of("evaluate", "--state-dict", weights.toString(), "--model", "vgg11", "--ratio", "8",
                "--image-size", "32", "--in-channels", "3");
        assertThat(rgb.exit()).as(rgb.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(rgb.err().strip()).isEqualTo("error: --in-channels 3 does not match --dataset fashion-mnist, "
                + "whose images have 1 channel");
    }

    /** The output after the first line (which holds the timing). */
    private static String results(CliRun r) {
        return r.out().substring(r.out().indexOf('\n') + 1);
    }
}
