package org.vgg4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.core.config.RunConfig;
import org.vgg4j.core.optim.Adam;
import org.vgg4j.core.optim.LrSchedule;
import org.vgg4j.core.optim.SoftmaxCrossEntropy;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.train.CheckpointStore;

/**
 * {@code train --optimizer adamw --schedule cosine --clip-norm --label-smoothing} end to end: the settings reach the
 * trainer, the progress lines and {@code metrics.csv} show the learning rate, the checkpoint (format 5) stores them,
 * and a resume refuses other values, and another {@code --epochs} for a schedule that spans the run; {@code train}
 * without these options trains exactly as before (constant Adam 0.001, no clipping, no smoothing).
 */
class ScheduleCliTest {
    @TempDir
    Path dir;

    private List<String> base(Path run) {
        return new ArrayList<>(List.of("train", "--image-size", "32", "--train-limit", "128", "--test-limit", "32",
                "--batch-size", "32", "--backend", "pytorch", "--progress", "lines", "--output", run.toString()));
    }

    @Test
    void withoutTheNewOptionsTheUpdateIsTheOneOfBefore() {
        // The spec train builds from the default options: the very record every backend trained with before.
        RunConfig defaults = RunConfig.reference();
        TrainingSpec spec = TrainCommand.trainingSpec(defaults, 938);
        assertThat(spec).isEqualTo(new TrainingSpec(Adam.withLearningRate(0.001), new SoftmaxCrossEntropy(), 42));
        assertThat(spec.schedule()).isEqualTo(LrSchedule.constant());
        assertThat(spec.clips()).isFalse();
        assertThat(spec.learningRate(4690)).isEqualTo(0.001);
    }

    @Test
    void aCosineAdamwRunWithClippingAndSmoothingIsRecordedShownAndKeptOnResume() throws IOException {
        ServeFixtures.assumeFashionMnist();
        Path run = dir.resolve("run");
        List<String> args = base(run);
        args.addAll(List.of("--epochs", "2", "--optimizer", "adamw", "--schedule", "cosine", "--warmup-steps", "2",
                "--min-lr", "1e-4", "--clip-norm", "1", "--label-smoothing", "0.1"));
        CliRun train = CliRun.of(args.toArray(String[]::new));
        assertThat(train.exit()).as(train.err() + train.out()).isZero();
        assertThat(train.out()).contains("adamw lr 0.001 cosine (2 warm-up steps, to 1.0E-4), clip norm 1.0, label "
                + "smoothing 0.1").contains(" lr 0.001 ");
        JsonNode manifest = new ObjectMapper().readTree(run.resolve("checkpoints/epoch-002.json").toFile());
        assertThat(manifest.get("formatVersion").asInt()).isEqualTo(5);
        JsonNode opt = manifest.get("config").get("optimizer");
        assertThat(opt.get("name").asText()).isEqualTo("adamw");
        assertThat(opt.get("weightDecay").asDouble()).as("AdamW's default decay").isEqualTo(0.01);
        assertThat(opt.get("clipNorm").asDouble()).isEqualTo(1.0);
        assertThat(opt.get("schedule").get("name").asText()).isEqualTo("cosine");
        assertThat(opt.get("schedule").get("warmupSteps").asInt()).isEqualTo(2);
        assertThat(opt.get("schedule").get("minLr").asDouble()).isEqualTo(1e-4);
        assertThat(manifest.get("config").get("training").get("labelSmoothing").asDouble()).isEqualTo(0.1);
        assertThat(manifest.get("optimizerStep").asLong()).isEqualTo(8);
        List<String> metrics = Files.readAllLines(run.resolve("metrics.csv"));
        assertThat(metrics.get(0)).endsWith(",lr");
        // 2 epochs of 4 steps: epoch 1 ends at step 4 of the cosine (2 warm-up steps, 6 to go), epoch 2 at its floor.
        double expected = new LrSchedule.CosineWarmup(2, 8, 0.1).learningRate(1e-3, 4);
        assertThat(Double.parseDouble(metrics.get(1).split(",")[7])).isCloseTo(expected,
                org.assertj.core.data.Offset.offset(1e-9));
        assertThat(metrics.get(2)).endsWith(",0.000100000");

        // Resumed from its first epoch, the run repeats its second bit for bit: the schedule continues from the
        // optimizer's step count in the checkpoint.
        Path resumed = dir.resolve("resumed");
        CliRun again = CliRun.of("train", "--resume", run.resolve("checkpoints/epoch-001.json").toString(), "--output",
                resumed.toString(), "--backend", "pytorch", "--progress", "lines");
        assertThat(again.exit()).as(again.err() + again.out()).isZero();
        assertThat(CheckpointStore.load(resumed.resolve("checkpoints/epoch-002.json")).parameters()
                .maxAbsDiff(CheckpointStore.load(run.resolve("checkpoints/epoch-002.json")).parameters())).isZero();
        assertThat(Files.readAllLines(resumed.resolve("metrics.csv")).get(2).split(",")[1])
                .isEqualTo(metrics.get(2).split(",")[1]);

        CliRun longer = CliRun.of("train", "--resume", run.toString(), "--epochs", "3", "--progress", "lines");
        assertThat(longer.exit()).as(longer.err()).isEqualTo(2);
        assertThat(longer.errLines()).singleElement().asString().contains("conflicts with --epochs 3: the checkpoint's "
                + "--schedule cosine spans its 2 epochs");
        CliRun other = CliRun.of("train", "--resume", run.toString(), "--clip-norm", "2", "--label-smoothing", "0",
                "--progress", "lines");
        assertThat(other.exit()).isEqualTo(2);
        assertThat(other.err()).contains("conflicts with 2 options given: ")
                .contains("--clip-norm (checkpoint: 1.0, given: 2.0)")
                .contains("--label-smoothing (checkpoint: 0.1, given: 0.0)");
        CliRun same = CliRun.of("train", "--resume", run.toString(), "--schedule", "cosine", "--warmup-steps", "2",
                "--progress", "lines");
        assertThat(same.exit()).as(same.err()).isZero();
        assertThat(same.out()).contains("nothing to do: the checkpoint has already completed 2 epochs");
    }

    @Test
    void moreWarmupStepsThanTheRunHasIsAUsageErrorBeforeTraining() {
        ServeFixtures.assumeFashionMnist();
        Path run = dir.resolve("run");
        List<String> args = base(run);
        args.addAll(List.of("--epochs", "1", "--schedule", "cosine", "--warmup-steps", "100"));
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).singleElement().asString().isEqualTo("error: --warmup-steps 100 exceeds the run's 4 "
                + "steps (1 epochs of 4 batches): use fewer warm-up steps or more --epochs");
        assertThat(r.out()).doesNotContain("epoch 1:");
    }
}
