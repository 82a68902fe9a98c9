package org.vgg4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.core.config.RunConfig;
import org.vgg4j.core.train.CheckpointStore;
import org.vgg4j.datasets.FashionMnist;

/**
 * {@code train --preset fast}: the preset's values replace the options' defaults, an option given beside it wins, the
 * checkpoint stores the resolved values, and an unknown preset or a preset with {@code --resume} is one line, exit 2.
 */
class PresetCliTest {
    @TempDir
    Path dir;

    @Test
    void thePresetsValuesAreDefaultsThatGivenOptionsOverride() {
        assumeTrue(Files.isRegularFile(FashionMnist.DEBIAN_DIR.resolve("train-images-idx3-ubyte.gz")),
                "skipped: needs Debian's dataset-fashion-mnist");
        Path run = dir.resolve("run");
        CliRun r = CliRun.of("train", "--preset", "fast", "--ratio", "16", "--epochs", "1", "--train-limit", "256",
                "--test-limit", "64", "--progress", "lines", "--output", run.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("preset fast: --model vgg11_bn --ratio 4 --image-size 32");
        RunConfig c = CheckpointStore.load(run).config();
        assertThat(c.model().ratio()).as("given beside the preset").isEqualTo(16);
        assertThat(c.model().batchNorm()).isTrue();
        assertThat(c.model().imageSize()).isEqualTo(32);
        assertThat(c.model().dropout()).isEqualTo(0.3);
        assertThat(c.training().epochs()).as("given beside the preset").isEqualTo(1);
        assertThat(c.training().batchSize()).isEqualTo(128);
        assertThat(c.training().labelSmoothing()).isEqualTo(0.1);
        assertThat(c.optimizer().name()).isEqualTo("adamw");
        assertThat(c.optimizer().learningRate()).isEqualTo(0.004);
        assertThat(c.optimizer().schedule().name()).isEqualTo("onecycle");
        assertThat(c.data().augment()).isEqualTo("crop,flip");
        assertThat(c.data().cropPadding()).isEqualTo(2);
    }

    @Test
    void withoutAPresetTheDefaultsAreTheReferenceRun() {
        CliRun help = CliRun.of("train", "--help");
        assertThat(help.out()).contains("(default: 8)").contains("(default: 224)");
        CliRun preset = CliRun.of("train", "--preset=fast", "--help");
        assertThat(preset.out()).contains("narrowing ratio, 1 to 64: channels and hidden")
                .contains("units divided by it (default: 4)");
    }

    @Test
    void anUnknownPresetOrAPresetWithResumeIsOneLine() {
        CliRun unknown = CliRun.of("train", "--preset", "slow", "--epochs", "1");
        assertThat(unknown.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err().strip()).isEqualTo("error: --preset 'slow': use fast");
        CliRun resume = CliRun.of("train", "--preset", "fast", "--resume", dir.resolve("nowhere").toString());
        assertThat(resume.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(resume.err().strip().lines()).hasSize(1);
        assertThat(resume.err()).contains("--preset sets a new run's options and --resume continues a run");
    }
}
