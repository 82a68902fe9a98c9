package org.vgg4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.core.testing.Python;
import org.vgg4j.core.train.Checkpoint;
import org.vgg4j.core.train.CheckpointStore;
import org.vgg4j.core.train.EpochMetrics;
import org.vgg4j.datasets.DataLocator;
import org.vgg4j.datasets.FashionMnist;
import org.vgg4j.datasets.IdxWriter;
import org.vgg4j.datasets.ImageDataset;
import org.vgg4j.datasets.Split;

/**
 * Issue 11's proof that training from image files is training on the same data: the Fashion-MNIST test set (10,000)
 * and the first 10,000 training images, written as 8-bit grey PNG class folders by Debian's PIL (an encoder vgg4j
 * did not write), train one epoch at 32x32 with exactly the epoch metrics (loss, train accuracy, test loss, test
 * accuracy, to the last bit) and weights of the same images read from IDX files, at the same seed.
 *
 * <p>The two loaders visit samples by index through the same seeded permutation, so the same metrics need the same
 * sample at every index. {@code ImageFolder} orders samples class-major (class folders sorted, then file names), IDX
 * files in file order, and no choice of file names can interleave classes, so the IDX side is what is reordered: the
 * test writes IDX files (vgg4j's {@link IdxWriter}, checked by {@code IdxReaderTest}) holding the same bytes and
 * labels stably sorted by label, which is the folders' order because each folder name starts with its label digit
 * ({@code 0_T-shirt_top} ... {@code 9_Ankle boot}, so the labels also agree) and each file name is the zero-padded IDX
 * index. The run on the IDX files in their own order is the control: its loss differs, so the test can fail.
 */
class FolderIdxSameMetricsTest {
    private static final int TRAIN = 10_000;
    private static final String BACKEND = "tensorflow";

    @TempDir
    Path dir;

    @Test
    void foldersWrittenByPilTrainToExactlyTheMetricsOfTheSameImagesInIdxFiles() throws IOException {
        RealData.assumeInstalled();
        assumeTrue(BackendsUnderTest.stream().anyMatch(b -> b.name().equals(BACKEND)), BACKEND + " is unavailable");
        Python python = Python.at("/usr/bin/python3");
        assumeTrue(Files.isExecutable(Path.of(python.executable())) && python.code("import PIL").exitCode() == 0,
                "Debian's /usr/bin/python3 with PIL (python3-pil) is not installed");

        // 1. PIL writes the PNG class folders straight from Debian's IDX files.
        Path root = dir.resolve("png");
        Path script = dir.resolve("write_fashion_pngs.py");
        try (InputStream in = getClass().getResourceAsStream("write_fashion_pngs.py")) {
            Files.write(script, in.readAllBytes());
        }
        Python.Run wrote = python.script(script, RealData.DEBIAN.toString(), root.toString(), String.valueOf(TRAIN));
        assertThat(wrote.exitCode()).as(wrote.output()).isZero();

        // 2. The same images as IDX files in the folders' class-major order, and (the control) in file order.
        ImageDataset train = debian(Split.TRAIN).limit(TRAIN);
        ImageDataset test = debian(Split.TEST);
        assertThat(wrote.output()).contains("train " + TRAIN + " " + perLabel(train))
                .contains("test 10000 " + perLabel(test));
        Path classMajor = dir.resolve("idx-class-major");
        writeIdx(classMajor, "train", train, classMajorOrder(train));
        writeIdx(classMajor, "t10k", test, classMajorOrder(test));
        Path fileOrder = dir.resolve("idx-file-order");
        writeIdx(fileOrder, "train", train, identity(train.size()));
        writeIdx(fileOrder, "t10k", test, identity(test.size()));

        // 3. One epoch each at the same seed.
        long t0 = System.nanoTime();
        Checkpoint folder = train(dir.resolve("run-folder"), "--dataset", "folder", "--data-dir", root.toString(),
                "--classes", "10", "--in-channels", "1");
        double folderSeconds = (System.nanoTime() - t0) / 1e9;
        t0 = System.nanoTime();
        Checkpoint idx = train(dir.resolve("run-idx"), "--data-dir", classMajor.toString(), "--no-verify");
        double idxSeconds = (System.nanoTime() - t0) / 1e9;
        Checkpoint control = train(dir.resolve("run-control"), "--data-dir", fileOrder.toString(), "--no-verify");

        EpochMetrics f = folder.history().get(0);
        EpochMetrics i = idx.history().get(0);
        EpochMetrics c = control.history().get(0);
        System.out.printf(Locale.ROOT, "folder (PIL PNGs): %s; test loss %.17g (%.1f s)%n", exact(f), f.testLoss(),
                folderSeconds);
        System.out.printf(Locale.ROOT, "IDX, class-major: %s; test loss %.17g (%.1f s)%n", exact(i), i.testLoss(),
                idxSeconds);
        System.out.printf(Locale.ROOT, "IDX, file order:  %s; test loss %.17g%n", exact(c), c.testLoss());
        assertThat(folder.history()).hasSize(1);
        assertThat(idx.history()).hasSize(1);
        assertThat(f.images()).isEqualTo(TRAIN).isEqualTo(i.images());
        assertThat(f.trainLoss()).isEqualTo(i.trainLoss());
        assertThat(f.trainAccuracy()).isEqualTo(i.trainAccuracy());
        assertThat(f.testLoss()).isEqualTo(i.testLoss());
        assertThat(f.testAccuracy()).isEqualTo(i.testAccuracy());
        assertThat(folder.parameters().maxAbsDiff(idx.parameters())).isZero();
        assertThat(folder.config().data().classNames()).containsExactly("0_T-shirt_top", "1_Trouser", "2_Pullover",
                "3_Dress", "4_Coat", "5_Sandal", "6_Shirt", "7_Sneaker", "8_Bag", "9_Ankle boot");
        // The control: the same images in another order are another shuffle, so another run.
        assertThat(c.trainLoss()).isNotEqualTo(f.trainLoss());
        assertThat(f.testAccuracy()).as("one epoch of 10,000 images at 32x32 learns").isGreaterThan(0.5);
    }

    private static ImageDataset debian(Split split) {
        return ImageDataset.load(DataLocator.builder().dataDir(RealData.DEBIAN).allowDownload(false).build()
                .locate(FashionMnist.SPEC), split);
    }

    private static Checkpoint train(Path run, String... data) {
        List<String> args = new ArrayList<>(List.of("train", "--backend", BACKEND, "--epochs", "1", "--image-size",
                "32", "--seed", "7", "--no-download", "--progress", "lines", "--output", run.toString()));
        args.addAll(List.of(data));
        RealData.CliResult r = RealData.vgg4j(args.toArray(String[]::new));
        assertThat(r.exit()).as(r.err()).isZero();
        return CheckpointStore.load(run);
    }

    /** Indices stably sorted by label: the order of {@code <label>_<name>/<index>.png} in ImageFolder. */
    private static int[] classMajorOrder(ImageDataset data) {
        int[] order = new int[data.size()];
        int k = 0;
        for (int label = 0; label < data.classNames().size(); label++) {
            for (int j = 0; j < data.size(); j++) {
                if (data.label(j) == label) {
                    order[k++] = j;
                }
            }
        }
        assertThat(k).isEqualTo(data.size());
        return order;
    }

    private static int[] identity(int n) {
        int[] order = new int[n];
        for (int j = 0; j < n; j++) {
            order[j] = j;
        }
        return order;
    }

    private static void writeIdx(Path dir, String prefix, ImageDataset data, int[] order) throws IOException {
        Files.createDirectories(dir);
        int size = data.rows() * data.cols();
        byte[] pixels = new byte[order.length * size];
        byte[] labels = new byte[order.length];
        for (int k = 0; k < order.length; k++) {
            System.arraycopy(data.rawImage(order[k]), 0, pixels, k * size, size);
            labels[k] = (byte) data.label(order[k]);
        }
        IdxWriter.writeImages(dir.resolve(prefix + "-images-idx3-ubyte.gz"), order.length, data.rows(), data.cols(),
                pixels, true);
        IdxWriter.writeLabels(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), labels, true);
    }

    private static String perLabel(ImageDataset data) {
        int[] per = new int[10];
        for (int j = 0; j < data.size(); j++) {
            per[data.label(j)]++;
        }
        StringBuilder s = new StringBuilder();
        for (int p : per) {
            s.append(s.length() == 0 ? "" : " ").append(p);
        }
        return s.toString();
    }

    private static String exact(EpochMetrics m) {
        return String.format(Locale.ROOT, "loss %.17g, train acc %.17g, test acc %.17g", m.trainLoss(),
                m.trainAccuracy(), m.testAccuracy());
    }
}
