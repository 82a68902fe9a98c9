package org.vgg4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.param.SafeTensors;
import org.vgg4j.core.train.CheckpointStore;

/**
 * {@code train --init-from} and {@code --freeze}: a fine-tuning run loads every tensor of the same name and shape,
 * replaces the head with {@code --classes}, keeps the frozen modules bit-identical (also across a resume), records
 * its source, checksum and frozen modules in the checkpoint (format 5), and every mistake is one line.
 */
class FineTuneCliTest {
    private static final List<String> MODEL = List.of("--layout", "torchvision", "--ratio", "64", "--hidden", "512",
            "--image-size", "32", "--batch-size", "8");

    @TempDir
    Path dir;

    /** A folder of grey images in {@code classes} classes told apart by brightness, train/ and test/. */
    private Path folder(String name, List<String> classes, long seed) throws IOException {
        Path data = dir.resolve(name);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (String part : List.of("train", "test")) {
            for (int c = 0; c < classes.size(); c++) {
                Path cls = Files.createDirectories(data.resolve(part).resolve(classes.get(c)));
                for (int i = 0; i < (part.equals("train") ? 8 : 4); i++) {
                    BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
                    for (int y = 0; y < 28; y++) {
                        for (int x = 0; x < 28; x++) {
                            int v = 40 * c + rnd.nextInt(100);
                            img.getRaster().setSample(x, y, 0, v);
                        }
                    }
                    ImageIO.write(img, "png", cls.resolve(String.format("%03d.png", i)).toFile());
                }
            }
        }
        return data;
    }

    private Path pretrained() throws IOException {
        Path a = folder("a", List.of("a0", "a1", "a2"), 1);
        Path run = dir.resolve("run-a");
        CliRun r = train(MODEL, "--dataset", "folder", "--data-dir", a.toString(), "--classes", "3", "--epochs", "1",
                "--output", run.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        return run;
    }

    @Test
    void aFineTuningRunLoadsTheBodyReplacesTheHeadAndKeepsFrozenModulesAcrossAResume() throws IOException {
        Path runA = pretrained();
        Parameters a = CheckpointStore.load(runA).parameters();
        Path b = folder("b", List.of("b0", "b1"), 2);
        Path runB = dir.resolve("run-b");
        // Only what differs from the checkpoint's model is given: the rest (layout, ratio, hidden, size) is its own.
        CliRun tune = CliRun.of("train", "--init-from", runA.toString(), "--classes", "2", "--freeze", "features",
                "--dataset", "folder", "--data-dir", b.toString(), "--epochs", "1", "--batch-size", "8",
                "--progress", "lines", "--output", runB.toString());
        assertThat(tune.exit()).as(tune.err()).isZero();
        Path sourceManifest = runA.resolve("checkpoints/epoch-001.json").toAbsolutePath();
        assertThat(tune.out()).contains("frozen (--freeze features): 16 tensors, ")
                .contains("; 6 tensors, ")
                .contains("init from checkpoint " + sourceManifest + ": loaded 20 of 22 tensors; freshly initialised 2 "
                        + "(torchvision init, seed 42): classifier.6.weight, classifier.6.bias")
                .contains("16 training and 8 test images at 32x32");
        Parameters tuned = CheckpointStore.load(runB).parameters();
        assertThat(tuned.get("classifier.6.weight").shape().dim(0)).isEqualTo(2);
        for (String name : tuned.names()) {
            if (name.startsWith("features.")) {
                assertThat(tuned.get(name).maxAbsDiff(a.get(name))).as("frozen " + name).isZero();
            }
        }
        assertThat(tuned.get("classifier.0.weight").maxAbsDiff(a.get("classifier.0.weight"))).isPositive();
        JsonNode m = new ObjectMapper().readTree(runB.resolve("checkpoints/epoch-001.json").toFile());
        assertThat(m.get("formatVersion").asInt()).isEqualTo(5);
        JsonNode t = m.get("config").get("training");
        JsonNode sourceM = new ObjectMapper().readTree(sourceManifest.toFile());
        assertThat(t.get("initFrom").asText()).isEqualTo(runA.resolve("checkpoints/epoch-001.safetensors")
                .toAbsolutePath().toString());
        assertThat(t.get("initFromSha256").asText()).isEqualTo(sourceM.get("parametersSha256").asText())
                .isEqualTo(CheckpointStore.sha256(runA.resolve("checkpoints/epoch-001.safetensors")));
        assertThat(t.get("freeze").toString()).isEqualTo("[\"features\"]");
        // a new run: its own 2 steps (16 images, batch 8), not the source's
        assertThat(m.get("optimizerStep").asLong()).isEqualTo(2);
        assertThat(m.get("history")).hasSize(1);

        CliRun other = CliRun.of("train", "--resume", runB.toString(), "--epochs", "2", "--freeze", "classifier");
        assertThat(other.exit()).isEqualTo(2);
        assertThat(other.errLines()).singleElement().asString()
                .contains("--freeze (checkpoint: [\"features\"], given: [\"classifier\"])");
        CliRun resumed = CliRun.of("train", "--resume", runB.toString(), "--epochs", "2", "--progress", "lines");
        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("frozen (--freeze features): 16 tensors");
        Parameters after = CheckpointStore.load(runB).parameters();
        assertThat(CheckpointStore.load(runB).position().epoch()).isEqualTo(2);
        for (String name : after.names()) {
            if (name.startsWith("features.")) {
                assertThat(after.get(name).maxAbsDiff(a.get(name))).as("frozen after resume " + name).isZero();
            }
        }
        assertThat(after.get("classifier.3.weight").maxAbsDiff(tuned.get("classifier.3.weight"))).isPositive();
        assertThat(CheckpointStore.load(runB).config().training().freeze()).containsExactly("features");

        // A bare state dict (no manifest beside it): the model options describe its network.
        Path bare = dir.resolve("bare.safetensors");
        SafeTensors.write(bare, a, Map.of());
        CliRun fromBare = train(MODEL, "--init-from", bare.toString(), "--classes", "2", "--freeze",
                "features,classifier.0", "--dataset", "folder", "--data-dir", b.toString(), "--epochs", "1",
                "--output", dir.resolve("run-c").toString());
        assertThat(fromBare.exit()).as(fromBare.err()).isZero();
        assertThat(fromBare.out()).contains("init from state dict " + bare.toAbsolutePath() + ": loaded 20 of 22")
                .contains("frozen (--freeze features,classifier.0): 18 tensors");
        Parameters c = CheckpointStore.load(dir.resolve("run-c")).parameters();
        assertThat(c.get("classifier.0.weight").maxAbsDiff(a.get("classifier.0.weight"))).isZero();
        assertThat(c.get("classifier.3.weight").maxAbsDiff(a.get("classifier.3.weight"))).isPositive();
    }

    /**
     * {@code --head-lr}: the replaced head trains in a parameter group of its own (the trainer's spec has exactly the
     * head's tensors at that base rate), the rate is stored in the run's configuration, printed in the run header,
     * kept on a resume and refused there if different; out of range it is one line naming the option.
     */
    @Test
    void aHeadLearningRateIsAGroupOfTheHeadStoredPrintedAndKeptOnResume() throws IOException {
        Path runA = pretrained();
        Path b = folder("b", List.of("b0", "b1"), 2);
        Path runB = dir.resolve("run-b");
        CliRun tune = CliRun.of("train", "--init-from", runA.toString(), "--classes", "2", "--freeze", "features",
                "--head-lr", "0.01", "--dataset", "folder", "--data-dir", b.toString(), "--epochs", "1",
                "--batch-size", "8", "--progress", "lines", "--output", runB.toString());
        assertThat(tune.exit()).as(tune.err()).isZero();
        assertThat(tune.out()).contains("head group (--head-lr 0.01): classifier.6.weight, classifier.6.bias at base "
                + "lr 0.01, the other 4 trained tensors at --lr 0.001").contains("adam lr 0.001, head lr 0.01");
        JsonNode m = new ObjectMapper().readTree(runB.resolve("checkpoints/epoch-001.json").toFile());
        assertThat(m.get("config").get("optimizer").get("headLearningRate").asDouble()).isEqualTo(0.01);
        org.vgg4j.core.config.RunConfig config = CheckpointStore.load(runB).config();
        assertThat(config.optimizer().headLearningRate()).isEqualTo(0.01);
        org.vgg4j.core.Network net = org.vgg4j.models.vgg.Vgg.build(org.vgg4j.models.vgg.VggConfig.from(
                config.model())).withFrozen(List.of("features"));
        org.vgg4j.core.optim.TrainingSpec spec = TrainCommand.trainingSpec(config, 2, net);
        assertThat(spec.groupLearningRates()).isEqualTo(Map.of("classifier.6.weight", 0.01, "classifier.6.bias",
                0.01));
        assertThat(spec.learningRate("classifier.6.bias", 1)).isEqualTo(0.01);
        assertThat(spec.learningRate("classifier.3.bias", 1)).isEqualTo(0.001);
        org.vgg4j.core.config.RunConfig oneGroup = new org.vgg4j.core.config.RunConfig(config.model(), config.data(),
                new org.vgg4j.core.config.OptimizerConfig("adam", 0.001, 0.9, 0), config.training());
        assertThat(TrainCommand.trainingSpec(oneGroup, 2, net).groupLearningRates()).isEmpty();

        CliRun other = CliRun.of("train", "--resume", runB.toString(), "--epochs", "2", "--head-lr", "0.02");
        assertThat(other.exit()).isEqualTo(2);
        assertThat(other.errLines()).singleElement().asString()
                .contains("--head-lr (checkpoint: 0.01, given: 0.02)");
        CliRun resumed = CliRun.of("train", "--resume", runB.toString(), "--epochs", "2", "--progress", "lines");
        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("head group (--head-lr 0.01)").contains("head lr 0.01");

        // Without --init-from the head is the last linear layer all the same.
        CliRun scratch = train(MODEL, "--dataset", "folder", "--data-dir", b.toString(), "--classes", "2",
                "--epochs", "1", "--head-lr", "0.005", "--output", dir.resolve("run-s").toString());
        assertThat(scratch.exit()).as(scratch.err()).isZero();
        assertThat(scratch.out()).contains("head group (--head-lr 0.005): classifier.6.weight, classifier.6.bias");

        for (String bad : List.of("0", "-1", "10.5", "NaN")) {
            CliRun r = train(MODEL, "--dataset", "folder", "--data-dir", b.toString(), "--classes", "2",
                    "--head-lr", bad, "--output", dir.resolve("bad").toString());
            assertThat(r.exit()).as(bad).isEqualTo(2);
            assertThat(r.errLines()).singleElement().asString().startsWith("error: --head-lr must be > 0 and <= 10");
        }
        assertThat(dir.resolve("bad")).doesNotExist();
    }

    @Test
    void mistakesAreOneLineNamingTheOptionTensorOrFile() throws IOException {
        Path runA = pretrained();
        Path b = folder("b", List.of("b0", "b1"), 2);
        List<String> data = List.of("--dataset", "folder", "--data-dir", b.toString(), "--epochs", "1");

        CliRun both = train(MODEL, "--init-from", runA.toString(), "--resume", runA.toString());
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.errLines()).singleElement().asString().isEqualTo("error: --init-from starts a new run from "
                + "another run's weights and --resume continues a run: give one of them, not both");

        List<String> args = new ArrayList<>(data);
        args.addAll(List.of("--init-from", runA.toString(), "--classes", "2", "--freeze", "features,head",
                "--output", dir.resolve("x").toString()));
        CliRun noSuchModule = train(args);
        assertThat(noSuchModule.exit()).isEqualTo(2);
        assertThat(noSuchModule.errLines()).singleElement().asString().isEqualTo("error: --freeze: 'head' matches no "
                + "trainable parameter of network 'vgg11-r64' (its modules with parameters: features, classifier)");
        assertThat(dir.resolve("x")).doesNotExist();

        CliRun everything = train(MODEL, "--freeze", "features,classifier", "--dataset", "folder", "--data-dir",
                b.toString(), "--classes", "2");
        assertThat(everything.exit()).isEqualTo(2);
        assertThat(everything.errLines()).singleElement().asString().contains("freezes every parameter of model");

        CliRun noClasses = train(data, "--init-from", runA.toString());
        assertThat(noClasses.exit()).isEqualTo(2);
        assertThat(noClasses.errLines()).singleElement().asString().contains("--classes 3 does not match --data-dir ")
                .contains("which has 2 class folders (the model of --init-from has 3 classes: give --classes N to "
                        + "replace its head)");

        // Another --hidden changes the classifier's inner layers, which are not the head: named, expected and actual.
        CliRun misshaped = train(data, "--init-from", runA.toString(), "--classes", "2", "--hidden", "1024",
                "--output", dir.resolve("y").toString());
        assertThat(misshaped.exit()).isEqualTo(1);
        assertThat(misshaped.errLines()).singleElement().asString().startsWith("error: --init-from checkpoint ")
                .contains("does not fit model vgg11-r64: its tensors do not fit network 'vgg11-r64': tensor "
                        + "'classifier.0.weight' has shape [8, 392], expected [16, 392]");
        assertThat(dir.resolve("y")).doesNotExist();

        CliRun missing = train(data, "--init-from", dir.resolve("nothing.safetensors").toString(), "--classes", "2");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.errLines()).singleElement().asString()
                .isEqualTo("error: --init-from " + dir.resolve("nothing.safetensors") + " does not exist");
    }

    private static CliRun train(List<String> args, String... more) {
        List<String> all = new ArrayList<>(List.of("train"));
        all.addAll(args);
        all.addAll(List.of(more));
        all.addAll(List.of("--progress", "lines"));
        return CliRun.of(all.toArray(String[]::new));
    }
}
