package org.vgg4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.train.CheckpointStore;
import org.vgg4j.datasets.DataLocation;
import org.vgg4j.datasets.DataLocator;
import org.vgg4j.datasets.FashionMnist;
import org.vgg4j.datasets.ImageDataset;
import org.vgg4j.datasets.Split;

/**
 * Fine-tuning on real data: a VGG-11 (torchvision layout, ratio 8, 32x32) trained on Fashion-MNIST classes 0-4 is
 * fine-tuned on classes 5-9, read from an image folder of PNGs, with {@code --init-from}, {@code --classes 5} and
 * {@code --freeze features}, and compared with the same budget from scratch and with fine-tuning everything. Only what
 * is robust is asserted (every run finishes, the frozen features are bit-identical to the pretrained ones, the
 * fine-tuned model is above chance); the accuracies are printed (fine-tuning with nothing frozen only where asked).
 *
 * <p>The budget is small by default (300 training and 150 test images per class, 2 epochs each, batch 32); the
 * README's numbers come from {@code -Dvgg4j.finetune.perClass=2000 -Dvgg4j.finetune.testPerClass=1000
 * -Dvgg4j.finetune.unfrozen=true}; with {@code -Dvgg4j.finetune.headLr=0.01} it adds the same two fine-tuning runs
 * with the head at that rate ({@code --head-lr}; the rest at Adam's 0.001) and prints every epoch's accuracy.
 */
class FineTuneRealDataTest {
    private static final int PER_CLASS = Integer.getInteger("vgg4j.finetune.perClass", 300);
    /** Training images per class of classes 5-9 (fine-tuning and from scratch); by default as many as for 0-4. */
    private static final int TARGET_PER_CLASS = Integer.getInteger("vgg4j.finetune.targetPerClass", PER_CLASS);
    private static final int TEST_PER_CLASS = Math.min(1000, Integer.getInteger("vgg4j.finetune.testPerClass",
            Math.max(100, PER_CLASS / 2)));
    private static final String EPOCHS = String.valueOf(Integer.getInteger("vgg4j.finetune.epochs", 2));
    private static final String BACKEND = System.getProperty("vgg4j.finetune.backend", "tensorflow");
    /** Whether to add the fourth run, fine-tuning with nothing frozen (the README's measurement does). */
    private static final boolean UNFROZEN = Boolean.getBoolean("vgg4j.finetune.unfrozen");
    /** The head's learning rate of the extra {@code --head-lr} runs; none without it. */
    private static final String HEAD_LR = System.getProperty("vgg4j.finetune.headLr");
    private static final List<String> MODEL = List.of("--backend", BACKEND, "--layout", "torchvision", "--ratio", "8",
            "--image-size", "32", "--in-channels", "1", "--classes", "5", "--epochs", EPOCHS, "--batch-size", "32",
            "--progress", "lines");

    @TempDir
    Path dir;

    @Test
    void fineTuningClassesFiveToNineFromAModelOfZeroToFour() throws IOException {
        RealData.assumeInstalled();
        DataLocation location = DataLocator.builder().environment(name -> null).home(Path.of("/nonexistent-home"))
                .build().locate(FashionMnist.SPEC);
        ImageDataset train = ImageDataset.load(location, Split.TRAIN);
        ImageDataset test = ImageDataset.load(location, Split.TEST);
        Path first = dir.resolve("classes-0-4");
        Path second = dir.resolve("classes-5-9");
        write(train, first.resolve("train"), 0, PER_CLASS);
        write(test, first.resolve("test"), 0, TEST_PER_CLASS);
        write(train, second.resolve("train"), 5, TARGET_PER_CLASS);
        write(test, second.resolve("test"), 5, TEST_PER_CLASS);

        Path pretrained = dir.resolve("pretrained");
        double pre = run(pretrained, first);
        Path tuned = dir.resolve("fine-tuned");
        double fineTuned = run(tuned, second, "--init-from", pretrained.toString(), "--freeze", "features");
        double scratch = run(dir.resolve("scratch"), second);
        double all = UNFROZEN ? run(dir.resolve("fine-tuned-all"), second, "--init-from", pretrained.toString())
                : Double.NaN;
        System.out.printf(Locale.ROOT, "fine-tuning on Fashion-MNIST classes 5-9 (%d training images per class, %d for "
                + "0-4, %d test images per class, %s epoch(s), %s): pretrained on 0-4 %.4f; from scratch %.4f; "
                + "--init-from --freeze features %.4f; --init-from, nothing frozen %.4f%n", TARGET_PER_CLASS, PER_CLASS,
                TEST_PER_CLASS, EPOCHS, BACKEND, pre, scratch, fineTuned, all);
        if (HEAD_LR != null) {
            run(dir.resolve("frozen-head-lr"), second, "--init-from", pretrained.toString(), "--freeze", "features",
                    "--head-lr", HEAD_LR);
            if (UNFROZEN) {
                run(dir.resolve("all-head-lr"), second, "--init-from", pretrained.toString(), "--head-lr", HEAD_LR);
            }
            for (String name : List.of("pretrained", "scratch", "fine-tuned", "fine-tuned-all", "frozen-head-lr",
                    "all-head-lr")) {
                if (Files.isDirectory(dir.resolve(name))) {
                    System.out.printf(Locale.ROOT, "%s: test accuracy per epoch %s%n", name,
                            RealData.metrics(dir.resolve(name)).stream().map(r -> r[4]).toList());
                }
            }
        }

        Parameters a = CheckpointStore.load(pretrained).parameters();
        Parameters b = CheckpointStore.load(tuned).parameters();
        int frozen = 0;
        for (String name : b.names()) {
            if (name.startsWith("features.")) {
                assertThat(b.get(name).maxAbsDiff(a.get(name))).as("frozen " + name).isZero();
                frozen++;
            } else {
                assertThat(b.get(name).maxAbsDiff(a.get(name))).as("trained " + name).isPositive();
            }
        }
        assertThat(frozen).isEqualTo(16);
        assertThat(fineTuned).as("above chance (0.2) for 5 classes").isGreaterThan(0.3);
        assertThat(scratch).isBetween(0.0, 1.0);
    }

    /** Trains into {@code run} on the image folder {@code data}; returns the last epoch's test accuracy. */
    private static double run(Path run, Path data, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("train", "--dataset", "folder", "--data-dir", data.toString(),
                "--output", run.toString()));
        args.addAll(MODEL);
        args.addAll(List.of(more));
        RealData.CliResult r = RealData.vgg4j(args.toArray(String[]::new));
        assertThat(r.exit()).as(r.err()).isZero();
        List<String[]> rows = RealData.metrics(run);
        return Double.parseDouble(rows.get(rows.size() - 1)[4]);
    }

    /** The first {@code perClass} images of each of the classes {@code from..from+4}, as 28x28 grey PNGs. */
    private static void write(ImageDataset set, Path root, int from, int perClass) throws IOException {
        int[] count = new int[10];
        for (int i = 0; i < set.size(); i++) {
            int label = set.label(i);
            if (label < from || label >= from + 5 || count[label] >= perClass) {
                continue;
            }
            count[label]++;
            // "5-Sandal": sorted like the labels, as ImageFolder sorts the class folders
            Path cls = Files.createDirectories(root.resolve(label + "-" + set.className(i).replace('/', '_')));
            BufferedImage img = new BufferedImage(set.cols(), set.rows(), BufferedImage.TYPE_BYTE_GRAY);
            img.getRaster().setDataElements(0, 0, set.cols(), set.rows(), set.rawImage(i));
            ImageIO.write(img, "png", cls.resolve(String.format("%05d.png", i)).toFile());
        }
    }
}
