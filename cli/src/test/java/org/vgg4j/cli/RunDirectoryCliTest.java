package org.vgg4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.core.Device;
import org.vgg4j.core.run.FreeSpace;
import org.vgg4j.core.spi.Backends;

/**
 * {@code vgg4j train} checks its run directory and device before it reads any data (the data directory here does not
 * exist, so a check that came after the data would report the data instead), cleans the leftovers of interrupted runs
 * at the next start, and a stray JSON file among the checkpoints no longer makes a run unloadable. Before, a bad
 * {@code --output} was found after a whole epoch, {@code --device gpu} after the data was loaded, leftovers stayed
 * forever, and {@code checkpoints/notes.json} failed every load with Jackson's "Unrecognized field".
 */
class RunDirectoryCliTest {
    @TempDir
    Path dir;

    private String[] train(Path output, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--image-size", "32", "--progress", "lines", "--output",
                output.toString(), "--data-dir", dir.resolve("nowhere").toString(), "--no-download"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private static void assertRefusedBeforeData(CliRun r, String message) {
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.errLines()).as(r.err()).singleElement().asString().startsWith("error: ").contains(message);
        assertThat(r.err()).doesNotContain("not found").doesNotContain("Exception");
        assertThat(r.out()).doesNotContain("data:");
    }

    @Test
    void anOutputThatCannotBeWrittenIsRefusedBeforeTheData() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux's /proc");
        assertRefusedBeforeData(CliRun.of(train(Path.of("/proc/x"))), "cannot create run directory /proc/x: ");
        Path file = Files.writeString(dir.resolve("existing.txt"), "x");
        assertRefusedBeforeData(CliRun.of(train(file)), "run directory " + file + " is a file, not a directory");
        assertRefusedBeforeData(CliRun.of(train(file.resolve("run"))), "run directory " + file.resolve("run")
                + " cannot be created: " + file + " is a file");
    }

    @Test
    void tooLittleFreeSpaceForTwoCheckpointsIsRefusedBeforeTheData() {
        Path run = dir.resolve("runs/new");
        FreeSpace tiny = d -> 500_000;
        CliRun r = CliRun.in(new Main.Context(System::getenv, tiny), train(run));
        // narrow VGG-11 at 32x32: 445,482 parameters, weights + Adam's two moments = 5.4 MB per checkpoint
        assertRefusedBeforeData(r, "not enough free space for run directory " + run + ": 2 checkpoints of "
                + "vgg11-r8 (5.4 MB each) need 10.8 MB, but only 500 kB are free there");
        assertThat(dir.resolve("runs")).doesNotExist();
    }

    @Test
    void anUnusableDeviceIsRefusedBeforeTheData() {
        assumeTrue(Backends.discover().select("pytorch").devices().stream().noneMatch(Device::isGpu),
                "this machine has a GPU the pytorch backend can use");
        Path run = dir.resolve("run");
        assertRefusedBeforeData(CliRun.of(train(run, "--backend", "pytorch", "--device", "gpu")), "GPU");
        assertThat(run).doesNotExist();
    }

    @Test
    void leftoversOfAnInterruptedRunAreRemovedAtTheNextStartAndNothingElse() throws Exception {
        Path run = LegacyRun.copyTo(dir, "run");
        Path cp = run.resolve("checkpoints");
        // What kill -9 during a checkpoint, or a full disk, leaves (with the names vgg4j gave them before too).
        List<String> leftovers = List.of(".training.png.tmp.png", ".metrics.csv123456.tmp",
                "checkpoints/.epoch-002.safetensors8472983749.tmp", "checkpoints/.epoch-002.json.5.tmp",
                "checkpoints/epoch-002.safetensors");
        List<String> kept = List.of("notes.txt", "checkpoints/notes.json", "checkpoints/epoch-001.json");
        for (String f : leftovers) {
            Files.writeString(run.resolve(f), "partial");
        }
        Files.writeString(run.resolve("notes.txt"), "mine");
        Files.writeString(cp.resolve("notes.json"), "{\"note\": \"mine\"}");
        CliRun r = CliRun.of("train", "--resume", run.toString(), "--epochs", "2", "--data-dir",
                dir.resolve("nowhere").toString(), "--no-download");
        assertThat(r.out()).contains("removed 5 leftover file(s) of an interrupted run from " + run);
        for (String f : leftovers) {
            assertThat(run.resolve(f)).as(f).doesNotExist();
        }
        for (String f : kept) {
            assertThat(run.resolve(f)).as(f).exists();
        }
    }

    @Test
    void aNewRunIntoTheDirectoryOfAnotherIsRefusedInsteadOfOverwritingItsCheckpoints() throws Exception {
        Path run = LegacyRun.copyTo(dir, "run");
        byte[] before = Files.readAllBytes(run.resolve("checkpoints/epoch-001.json"));
        CliRun r = CliRun.of(train(run));
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.errLines()).singleElement().asString().isEqualTo("error: run directory " + run + " already holds "
                + "a run (newest checkpoint checkpoints/epoch-001.json): continue it with --resume " + run
                + ", or write the new run somewhere else");
        assertThat(Files.readAllBytes(run.resolve("checkpoints/epoch-001.json"))).isEqualTo(before);
    }

    @Test
    void aStrayJsonFileAmongTheCheckpointsDoesNotBreakLoading() throws Exception {
        Path run = LegacyRun.copyTo(dir, "run");
        Files.writeString(run.resolve("checkpoints/notes.json"), "{\"note\": \"lr 1e-3 looked best\"}\n");
        Path onnx = dir.resolve("model.onnx");
        CliRun r = CliRun.of("export", "--checkpoint", run.toString(), "--onnx", onnx.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("vgg11-r64, input [N, 1, 32, 32], 10 classes");
    }

    @Test
    void aCheckpointOfTheFormerFormatStillPredictsAndExports() throws Exception {
        Path run = LegacyRun.copyTo(dir, "run");
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(28, 28,
                java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        Path png = dir.resolve("blank.png");
        javax.imageio.ImageIO.write(img, "png", png.toFile());
        CliRun predict = CliRun.of("predict", "--checkpoint", run.resolve("checkpoints/epoch-001.json").toString(),
                "--top-k", "2", png.toString());
        assertThat(predict.exit()).as(predict.err()).isZero();
        assertThat(predict.out()).startsWith(png + ":");
        CliRun export = CliRun.of("export", "--checkpoint", run.toString(), "--onnx", dir.resolve("m.onnx").toString());
        assertThat(export.exit()).as(export.err()).isZero();
    }
}
