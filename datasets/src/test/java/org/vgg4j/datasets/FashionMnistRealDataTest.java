package org.vgg4j.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vgg4j.core.train.Batch;
import org.vgg4j.core.train.BatchStream;

/**
 * Reads the real Fashion-MNIST installed by Debian's {@code dataset-fashion-mnist} (CI installs it). Skipped, saying
 * why, where the package is absent.
 */
class FashionMnistRealDataTest {
    private static ImageDataset train;
    private static ImageDataset test;
    private static DataLocation location;

    @BeforeAll
    static void load() {
        assumeTrue(Files.isDirectory(FashionMnist.DEBIAN_DIR), "Fashion-MNIST is not installed at "
                + FashionMnist.DEBIAN_DIR + " (sudo apt-get install " + FashionMnist.DEBIAN_PACKAGE + ")");
        // locate through the normal order with an empty home and environment, so the system package is what's found
        location = DataLocator.builder().environment(name -> null).home(Path.of("/nonexistent-home")).build()
                .locate(FashionMnist.SPEC);
        long t0 = System.nanoTime();
        train = ImageDataset.load(location, Split.TRAIN);
        test = ImageDataset.load(location, Split.TEST);
        System.out.printf("read and verified real Fashion-MNIST (70,000 images, 4 SHA-256) in %d ms%n",
                (System.nanoTime() - t0) / 1_000_000);
    }

    @Test
    void debianPackageIsFoundAndPassesItsChecksums() {
        assertThat(location.origin()).isEqualTo(DataLocation.Origin.SYSTEM_PACKAGE);
        assertThat(location.verifyChecksums()).isTrue();
        assertThat(train.size()).isEqualTo(60_000);
        assertThat(test.size()).isEqualTo(10_000);
        assertThat(train.rows()).isEqualTo(28);
        assertThat(train.cols()).isEqualTo(28);
    }

    @Test
    void classesAreBalanced() {
        int[] trainCounts = new int[10];
        for (int l : train.labels()) {
            trainCounts[l]++;
        }
        int[] testCounts = new int[10];
        for (int l : test.labels()) {
            testCounts[l]++;
        }
        assertThat(trainCounts).containsOnly(6000);
        assertThat(testCounts).containsOnly(1000);
        assertThat(test.className(0)).isEqualTo("Ankle boot"); // the README's first test image
    }

    @Test
    void firstTestImageResizesExactlyAsPillowDoes() throws IOException {
        for (int size : new int[] {32, 224}) {
            Pgm expected = Pgm.resource("fashion_t10k_0_to_" + size + ".pgm");
            byte[] out = new byte[size * size];
            Resizer.square(28, size, ResizeMode.PIL).resizeBytes(test.rawImage(0), 0, out, 0);
            assertThat(out).as("28 -> %d", size).isEqualTo(expected.pixels);
        }
    }

    @Test
    void wrongChecksumOnRealDataIsCaught() {
        DataLocation tampered = new DataLocation(FashionMnist.SPEC.withChecksums(Map.of(
                "train-images-idx3-ubyte", "0".repeat(64), "train-labels-idx1-ubyte", "0".repeat(64),
                "t10k-images-idx3-ubyte", "0".repeat(64), "t10k-labels-idx1-ubyte", "0".repeat(64))),
                location.dir(), location.origin(), location.files(), true);
        assertThatThrownBy(() -> ImageDataset.load(tampered, Split.TEST))
                .isInstanceOf(ChecksumMismatchException.class)
                .hasMessageContaining("t10k-images-idx3-ubyte.gz")
                .hasMessageContaining(FashionMnist.SPEC.sha256Of("t10k-images-idx3-ubyte"));
    }

    /** Prints (does not assert) how fast batches of the reference configuration are made. */
    @Test
    void throughputOfReferenceBatches() {
        for (int size : List.of(224, 32)) {
            DataLoader loader = DataLoader.builder(train).batchSize(64).imageSize(size).seed(1).build();
            int warm = size == 224 ? 20 : 100; // let the JIT compile the resize loops first
            int measured = size == 224 ? 60 : 300;
            try (BatchStream s = loader.epoch(0, 0)) {
                for (int i = 0; i < warm; i++) {
                    s.next();
                }
                long t0 = System.nanoTime();
                long images = 0;
                for (int i = 0; i < measured; i++) {
                    Batch b = s.next();
                    images += b.size();
                }
                double sec = (System.nanoTime() - t0) / 1e9;
                System.out.printf("loader throughput, %dx%d batch 64 (PIL resize, background thread): %.1f batches/s"
                        + " (%.0f images/s)%n", size, size, measured / sec, images / sec);
            }
        }
    }
}
