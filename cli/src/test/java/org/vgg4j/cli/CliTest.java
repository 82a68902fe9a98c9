package org.vgg4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CliTest {
    @TempDir
    Path dir;

    static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void summaryPrintsTheD2lShapeTableForFullVgg11() {
        CliRun r = run("summary", "--ratio", "1");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).containsSubsequence(
                "vgg_block_1", "[1, 64, 112, 112]", "vgg_block_2", "[1, 128, 56, 56]", "vgg_block_3",
                "[1, 256, 28, 28]", "vgg_block_4", "[1, 512, 14, 14]", "vgg_block_5", "[1, 512, 7, 7]", "fc",
                "[1, 10]", "total parameters: 128,806,154");
    }

    @Test
    void summaryInPytorchFormatPrintsTheNarrowModuleTree() {
        CliRun r = run("summary", "--format", "pytorch");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("(0): Conv2d(1, 8, kernel_size=(3, 3)", "Linear(in_features=3136, out_features=512",
                "Linear(in_features=512, out_features=10");
        CliRun layers = run("summary", "--format", "layers");
        assertThat(layers.out()).contains("vgg_block_1.0.weight", "[8, 1, 3, 3]", "fc.7.bias");
    }

    @Test
    void badModelOptionsAreUsageErrorsWithAClearMessage() {
        CliRun r = run("summary", "--image-size", "100");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("multiple of 32").doesNotContain("Exception");
        assertThat(run("summary", "--model", "resnet50").err()).contains(
                "unknown --model 'resnet50': use vgg11, vgg13, vgg16, vgg19, vgg11_bn, vgg13_bn, vgg16_bn or vgg19_bn");
        assertThat(run("summary", "--format", "yaml").err()).contains("use table, layers or pytorch");
        assertThat(run("summary", "--ratio", "x").exit()).isEqualTo(2);
    }

    @Test
    void unknownBackendListsWhatWasFound() {
        CliRun r = run("train", "--backend", "mxnet", "--epochs", "1", "--data-dir", dir.toString(),
                "--no-download");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("unknown backend 'mxnet'").contains("pytorch (available)")
                .doesNotContain("Exception");
    }

    @Test
    void badTrainingOptionsFailBeforeAnythingIsWritten() {
        Path run = dir.resolve("run");
        CliRun epochs = run("train", "--epochs", "0", "--output", run.toString());
        assertThat(epochs.exit()).isEqualTo(2);
        assertThat(epochs.err()).contains("--epochs must be from 1 to 100000, got 0");
        CliRun batch = run("train", "--batch-size", "0", "--output", run.toString());
        assertThat(batch.exit()).isEqualTo(2);
        assertThat(batch.err()).contains("--batch-size must be from 1 to 65536, got 0");
        CliRun onnx = run("train", "--backend", "onnx", "--output", run.toString());
        assertThat(onnx.exit()).isEqualTo(1);
        assertThat(onnx.err()).contains("cannot train").contains("--backend pytorch");
        CliRun gpu = run("train", "--device", "tpu", "--output", run.toString());
        assertThat(gpu.exit()).isEqualTo(2);
        assertThat(gpu.err()).contains("use cpu, gpu, gpu:N or auto");
        CliRun resume = run("train", "--resume", dir.resolve("nothing").toString());
        assertThat(resume.exit()).isEqualTo(1);
        assertThat(resume.err()).contains("nothing");
        assertThat(run).doesNotExist();
    }

    @Test
    void missingDataSaysHowToGetIt() {
        CliRun r = run("train", "--data-dir", dir.resolve("nowhere").toString(), "--no-download", "--output",
                dir.resolve("run").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("nowhere").doesNotContain("Exception");
        assertThat(dir.resolve("run")).doesNotExist();
    }

    @Test
    void missingOrCorruptCheckpointsAreReportedByName() throws Exception {
        CliRun r = run("evaluate", "--checkpoint", dir.resolve("none.json").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("none.json").contains("does not exist");
        Files.writeString(dir.resolve("bad.json"), "{]");
        assertThat(run("export", "--checkpoint", dir.resolve("bad.json").toString(), "--onnx",
                dir.resolve("m.onnx").toString()).err()).contains("bad.json");
        assertThat(dir.resolve("m.onnx")).doesNotExist();
    }

    private Path checkpoint() {
        return TestCheckpoints.save(dir.resolve("run"), 1);
    }

    @Test
    void predictClassifiesImageFilesWithACheckpointAndWithItsOnnxExport() throws Exception {
        checkpoint();
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(40, 30,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = img.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(5, 5, 20, 15);
        g.dispose();
        Path png = dir.resolve("shoe.png");
        javax.imageio.ImageIO.write(img, "png", png.toFile());
        CliRun byCheckpoint = run("predict", "--checkpoint", dir.resolve("run").toString(), "--top-k", "10",
                png.toString());
        assertThat(byCheckpoint.exit()).as(byCheckpoint.err()).isZero();
        assertThat(byCheckpoint.out()).startsWith(png + ":").contains("Ankle boot", "T-shirt/top");
        Path onnx = dir.resolve("model.onnx");
        CliRun export = run("export", "--checkpoint", dir.resolve("run").toString(), "--onnx", onnx.toString());
        assertThat(export.exit()).as(export.err()).isZero();
        assertThat(export.out()).contains("input [N, 1, 32, 32], 10 classes");
        CliRun byOnnx = run("predict", "--onnx", onnx.toString(), "--top-k", "10", png.toString());
        assertThat(byOnnx.exit()).as(byOnnx.err()).isZero();
        // Same model on two engines: the same most likely class (probabilities agree to ~1e-7, printed to 4 places).
        assertThat(byOnnx.out().split("  ")[1]).isEqualTo(byCheckpoint.out().split("  ")[1]);
        Path text = dir.resolve("notes.png");
        Files.writeString(text, "not an image");
        CliRun bad = run("predict", "--checkpoint", dir.resolve("run").toString(), text.toString());
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("notes.png").contains("not a PNG");
        assertThat(run("predict", "--checkpoint", dir.resolve("run").toString()).err())
                .contains("give image files or --index");
    }

    @Test
    void everySubcommandsHelpRendersWithoutPicocliFallingBackToTheRawText() {
        // picocli formats descriptions with String.format; a stray '%' makes it warn on stderr and print the raw text.
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            for (String sub : new CommandLine(new Main()).getSubcommands().keySet()) {
                assertThat(run(sub, "--help").exit()).as(sub).isZero();
            }
        } finally {
            System.setErr(original);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain("WARN");
    }

    @Test
    void versionAndHelpWork() {
        assertThat(run("--version").out()).contains("vgg4j");
        assertThat(run("train", "--help").out()).contains("--epochs", "--resume", "--backend", "--image-size");
    }
}
