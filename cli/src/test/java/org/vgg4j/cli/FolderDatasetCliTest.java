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
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --dataset folder}: train on a small RGB image folder (train/ + test/), the checkpoint stores the folder and
 * its class names (format 4 and later), {@code evaluate} and {@code predict} print those names; and the folder's errors are one
 * line naming the option or path.
 */
class FolderDatasetCliTest {
    private static final List<String> CLASSES = List.of("cat", "dog", "fox");

    @TempDir
    Path dir;

    private Path folder() throws IOException {
        Path data = dir.resolve("pets");
        SplittableRandom rnd = new SplittableRandom(3);
        for (String part : List.of("train", "test")) {
            for (int c = 0; c < CLASSES.size(); c++) {
                Path cls = Files.createDirectories(data.resolve(part).resolve(CLASSES.get(c)));
                for (int i = 0; i < (part.equals("train") ? 8 : 4); i++) {
                    BufferedImage img = new BufferedImage(20 + i, 18, BufferedImage.TYPE_3BYTE_BGR);
                    for (int y = 0; y < img.getHeight(); y++) {
                        for (int x = 0; x < img.getWidth(); x++) {
                            int v = rnd.nextInt(64);
                            img.setRGB(x, y, (c == 0 ? 0xC00000 : c == 1 ? 0x00C000 : 0x0000C0) + (v << 16 | v << 8 | v));
                        }
                    }
                    ImageIO.write(img, "png", cls.resolve(String.format("%03d.png", i)).toFile());
                }
            }
        }
        return data;
    }

    @Test
    void trainsWithAugmentationOfTheDecodedFiles() throws IOException {
        Path data = folder();
        Path run = dir.resolve("augmented");
        CliRun train = CliRun.of("train", "--dataset", "folder", "--data-dir", data.toString(), "--classes", "3",
                "--in-channels", "3", "--ratio", "64", "--image-size", "32", "--epochs", "1", "--batch-size", "8",
                "--augment", "flip,resized-crop", "--progress", "lines", "--output", run.toString());
        assertThat(train.exit()).as(train.err()).isZero();
        assertThat(train.out()).contains("augment resized-crop,flip,");
        JsonNode d = new ObjectMapper().readTree(run.resolve("checkpoints/epoch-001.json").toFile()).get("config")
                .get("data");
        assertThat(d.get("augment").asText()).isEqualTo("resized-crop,flip");
        assertThat(d.get("cropPadding").isNull()).isTrue();
    }

    @Test
    void trainsEvaluatesAndPredictsWithTheFoldersClassNames() throws IOException {
        Path data = folder();
        Path run = dir.resolve("run");
        CliRun train = CliRun.of("train", "--dataset", "folder", "--data-dir", data.toString(), "--classes", "3",
                "--in-channels", "3", "--ratio", "64", "--image-size", "32", "--epochs", "1", "--batch-size", "8",
                "--progress", "lines", "--output", run.toString());
        assertThat(train.exit()).as(train.err()).isZero();
        assertThat(train.out()).contains("data: " + data.resolve("train") + " and " + data.resolve("test"))
                .contains("24 training and 12 test images at 32x32");
        JsonNode manifest = new ObjectMapper().readTree(run.resolve("checkpoints/epoch-001.json").toFile());
        assertThat(manifest.get("formatVersion").asInt()).isEqualTo(5);
        JsonNode d = manifest.get("config").get("data");
        assertThat(d.get("augment").asText()).isEqualTo("none");
        assertThat(d.get("dataset").asText()).isEqualTo("folder");
        assertThat(d.get("folder").asText()).isEqualTo(data.toAbsolutePath().toString());
        List<String> names = new ArrayList<>();
        d.get("classNames").forEach(n -> names.add(n.asText()));
        assertThat(names).isEqualTo(CLASSES);

        CliRun eval = CliRun.of("evaluate", "--checkpoint", run.toString());
        assertThat(eval.exit()).as(eval.err()).isZero();
        assertThat(eval.out()).contains("on 12 test images").contains("cat").contains("dog").contains("fox");
        // The same weights as a bare state dict, evaluated on the folder: the same numbers and the folder's names.
        Path weights = dir.resolve("state.safetensors");
        org.vgg4j.core.param.SafeTensors.write(weights,
                org.vgg4j.core.train.CheckpointStore.load(run).parameters(), java.util.Map.of());
        CliRun bare = CliRun.of("evaluate", "--state-dict", weights.toString(), "--ratio", "64", "--in-channels", "3",
                "--image-size", "32", "--classes", "3", "--dataset", "folder", "--data-dir", data.toString());
        assertThat(bare.exit()).as(bare.err()).isZero();
        assertThat(bare.out().substring(bare.out().indexOf('\n')))
                .isEqualTo(eval.out().substring(eval.out().indexOf('\n')));

        CliRun predict = CliRun.of("predict", "--checkpoint", run.toString(), "--top-k", "3",
                data.resolve("test/fox/000.png").toString());
        assertThat(predict.exit()).as(predict.err()).isZero();
        assertThat(predict.out()).contains("cat").contains("dog").contains("fox");
        CliRun index = CliRun.of("predict", "--checkpoint", run.toString(), "--top-k", "1", "--index", "0,11");
        assertThat(index.exit()).as(index.err()).isZero();
        assertThat(index.out()).contains("test[0] 000.png (true: cat):").contains("test[11] 003.png (true: fox):");
        CliRun outside = CliRun.of("predict", "--checkpoint", run.toString(), "--index", "12");
        assertThat(outside.exit()).isNotZero();
        assertThat(outside.errLines()).singleElement().asString().contains("--index 12 is outside the test images of "
                + data.resolve("test").toAbsolutePath() + " [0, 12)");
    }

    @Test
    void aValSplitRunEvaluatesOnTheSameHeldOutImagesAndResumeChecksTheClasses() throws IOException {
        Path tree = folder().resolve("train"); // one tree of 3 x 8 images, no train/ or test/ inside
        Path run = dir.resolve("split-run");
        CliRun train = CliRun.of("train", "--dataset", "folder", "--data-dir", tree.toString(), "--val-split", "0.25",
                "--classes", "3", "--ratio", "64", "--image-size", "32", "--epochs", "1", "--batch-size", "8",
                "--seed", "7", "--progress", "lines", "--output", run.toString());
        assertThat(train.exit()).as(train.err()).isZero();
        assertThat(train.out()).contains("a seeded 0.25 split of " + tree.toAbsolutePath() + " (seed 7, 18 train, 6 test)")
                .contains("18 training and 6 test images at 32x32");
        CliRun eval = CliRun.of("evaluate", "--checkpoint", run.toString());
        assertThat(eval.exit()).as(eval.err()).isZero();
        assertThat(eval.out()).contains("on 6 test images");
        Files.createDirectories(tree.resolve("emu"));
        Files.copy(tree.resolve("cat/000.png"), tree.resolve("emu/000.png"));
        CliRun resume = CliRun.of("train", "--resume", run.toString(), "--epochs", "2", "--progress", "lines");
        assertThat(resume.exit()).isEqualTo(2);
        assertThat(resume.errLines()).singleElement().asString().contains("the image folder "
                + tree.toAbsolutePath() + " now has classes [cat, dog, emu, fox], but the run was trained on "
                + "[cat, dog, fox]");
    }

    @Test
    void folderErrorsAreOneLineNamingTheOptionOrPath() throws IOException {
        Path run = dir.resolve("run");
        CliRun noDir = CliRun.of("train", "--dataset", "folder", "--output", run.toString());
        assertThat(noDir.exit()).isEqualTo(2);
        assertThat(noDir.errLines()).singleElement().asString()
                .contains("--dataset folder needs --data-dir DIR, the folder of your images");
        Path data = folder();
        CliRun classes = CliRun.of("train", "--dataset", "folder", "--data-dir", data.toString(), "--output",
                run.toString());
        assertThat(classes.exit()).isEqualTo(2);
        assertThat(classes.errLines()).singleElement().asString()
                .contains("--classes 10 does not match --data-dir " + data.toAbsolutePath() + ", which has 3 class folders");
        Files.createDirectories(data.resolve("train/emu"));
        Files.createDirectories(data.resolve("test/emu"));
        CliRun empty = CliRun.of("train", "--dataset", "folder", "--data-dir", data.toString(), "--classes", "3",
                "--output", run.toString());
        assertThat(empty.exit()).isNotZero();
        assertThat(empty.errLines()).singleElement().asString()
                .contains("class folder " + data.resolve("train/emu") + " has no images");
        CliRun split = CliRun.of("train", "--dataset", "folder", "--data-dir", data.resolve("train").toString(),
                "--val-split", "1.5", "--output", run.toString());
        assertThat(split.exit()).isEqualTo(2);
        assertThat(split.errLines()).singleElement().asString().contains("--val-split must be >= 0 and < 1, got 1.5");
    }
}
