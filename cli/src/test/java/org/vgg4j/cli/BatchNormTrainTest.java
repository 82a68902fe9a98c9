package org.vgg4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vgg4j.core.config.ModelConfig;
import org.vgg4j.core.train.Checkpoint;
import org.vgg4j.core.train.CheckpointStore;

/**
 * {@code train --model vgg11_bn} on the pytorch backend end to end: one short epoch, a checkpoint whose configuration
 * says batch norm and layout and whose weights hold the running statistics, then {@code evaluate} and {@code predict}
 * on it.
 */
class BatchNormTrainTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} --layout {1}")
    @CsvSource({"vgg11_bn,d2l,32,vgg_block_1.1", "vgg11_bn,torchvision,40,features.1"})
    void trainsABatchNormModelAndItsCheckpointEvaluatesAndPredicts(String model, String layout, int size,
            String firstBn) {
        ServeFixtures.assumeFashionMnist();
        Path run = dir.resolve("run");
        CliRun train = CliRun.of("train", "--model", model, "--layout", layout, "--image-size", String.valueOf(size),
                "--train-limit", "256", "--test-limit", "64", "--epochs", "1", "--backend", "pytorch",
                "--progress", "lines", "--output", run.toString());
        assertThat(train.exit()).as(train.err() + train.out()).isZero();
        assertThat(train.out()).contains("model " + model + "-r8", "test accuracy");

        Path manifest = CheckpointStore.latest(run.resolve("checkpoints")).orElseThrow();
        Checkpoint checkpoint = CheckpointStore.load(manifest);
        ModelConfig stored = checkpoint.config().model();
        assertThat(stored.batchNorm()).isTrue();
        assertThat(stored.layout()).isEqualTo(layout);
        assertThat(stored.variant()).isEqualTo("vgg11");
        assertThat(stored.imageSize()).isEqualTo(size);
        // One epoch of 4 training-mode batches moved the running statistics off their initial 0 and 1.
        assertThat(checkpoint.parameters().names()).contains(firstBn + ".running_mean", firstBn + ".running_var",
                firstBn + ".num_batches_tracked");
        assertThat(checkpoint.parameters().get(firstBn + ".num_batches_tracked").getLong(0)).isEqualTo(4);
        assertThat(checkpoint.parameters().get(firstBn + ".running_mean").maxAbs()).isGreaterThan(0);

        CliRun evaluate = CliRun.of("evaluate", "--checkpoint", run.toString(), "--test-limit", "64",
                "--backend", "pytorch");
        assertThat(evaluate.exit()).as(evaluate.err()).isZero();
        assertThat(evaluate.out()).contains("accuracy");

        CliRun predict = CliRun.of("predict", "--checkpoint", run.toString(), "--index", "0,1", "--top-k", "2",
                "--backend", "pytorch");
        assertThat(predict.exit()).as(predict.err()).isZero();
        assertThat(predict.out().lines().filter(l -> !l.isBlank()).count()).isGreaterThanOrEqualTo(2);
        assertThat(Files.isRegularFile(manifest)).isTrue();
    }
}
