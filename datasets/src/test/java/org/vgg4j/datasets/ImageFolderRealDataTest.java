package org.vgg4j.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.core.train.Batch;
import org.vgg4j.core.train.BatchSource;
import org.vgg4j.core.train.BatchStream;

/**
 * A proof on real files: the first 1,000 Fashion-MNIST test images (Debian's {@code dataset-fashion-mnist}) written
 * as PNG class folders (the JDK's PNG encoder, lossless; folder = class name with {@code /} as {@code _}, file name =
 * zero-padded IDX index), then read back through {@link ImageFolder} and {@link FolderLoader}: every class must hold
 * exactly the IDX images of that class, as the same tensors {@link DataLoader} makes, in IDX order, at 28x28 and
 * resized to 32x32. Also prints the two loaders' images/s. Skipped, saying why, where the package is absent.
 */
class ImageFolderRealDataTest {
    private static final int N = 1000;
    private static ImageDataset idx;
    private static Path root;

    @TempDir
    static Path dir;

    @BeforeAll
    static void writePngs() throws IOException {
        assumeTrue(Files.isDirectory(FashionMnist.DEBIAN_DIR), "Fashion-MNIST is not installed at "
                + FashionMnist.DEBIAN_DIR + " (sudo apt-get install " + FashionMnist.DEBIAN_PACKAGE + ")");
        DataLocation location = DataLocator.builder().environment(name -> null).home(Path.of("/nonexistent-home"))
                .build().locate(FashionMnist.SPEC);
        idx = ImageDataset.load(location, Split.TEST).limit(N);
        root = dir.resolve("fashion-png");
        for (int i = 0; i < N; i++) {
            Path cls = root.resolve(folderName(idx.className(i)));
            Files.createDirectories(cls);
            BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            img.getRaster().setDataElements(0, 0, 28, 28, idx.rawImage(i));
            ImageIO.write(img, "png", cls.resolve(String.format("%05d.png", i)).toFile());
        }
    }

    private static String folderName(String className) {
        return className.replace('/', '_');
    }

    @Test
    void everyClassHoldsExactlyItsIdxImagesAsTheSameTensors() {
        ImageFolder folder = ImageFolder.scan(root, ImageFolder.Options.STRICT);
        assertThat(folder.size()).isEqualTo(N);
        assertThat(folder.classNames()).hasSize(10).isSorted();
        for (int size : new int[] {28, 32}) {
            List<List<float[]>> fromFolder = perClass(FolderLoader.builder(folder).imageSize(size).batchSize(100)
                    .shuffle(false).build(), folder.classNames(), folder.classNames());
            List<List<float[]>> fromIdx = perClass(DataLoader.builder(idx).imageSize(size).batchSize(100)
                    .shuffle(false).build(), idx.classNames().stream().map(ImageFolderRealDataTest::folderName)
                    .toList(), folder.classNames());
            for (int c = 0; c < 10; c++) {
                List<float[]> a = fromFolder.get(c);
                List<float[]> b = fromIdx.get(c);
                assertThat(a).as("class %s at %d", folder.classNames().get(c), size).hasSameSizeAs(b);
                assertThat(a.size()).isPositive();
                for (int k = 0; k < a.size(); k++) {
                    assertThat(a.get(k)).as("class %s image %d at %d", folder.classNames().get(c), k, size)
                            .isEqualTo(b.get(k));
                }
            }
        }
    }

    /** The images of each class (indexed by {@code order}'s names) in the order the loader serves them. */
    private static List<List<float[]>> perClass(BatchSource loader, List<String> names, List<String> order) {
        List<List<float[]>> out = new ArrayList<>();
        for (int c = 0; c < order.size(); c++) {
            out.add(new ArrayList<>());
        }
        try (BatchStream s = loader.epoch(0, 0)) {
            while (s.hasNext()) {
                Batch b = s.next();
                float[] px = b.images().toArray();
                int per = px.length / b.size();
                for (int i = 0; i < b.size(); i++) {
                    float[] img = new float[per];
                    System.arraycopy(px, i * per, img, 0, per);
                    out.get(order.indexOf(names.get(b.labels()[i]))).add(img);
                }
            }
        }
        return out;
    }

    @Test
    void loaderThroughputAt32() {
        ImageFolder folder = ImageFolder.scan(root, ImageFolder.Options.STRICT);
        BatchSource fromFolder = FolderLoader.builder(folder).imageSize(32).batchSize(64).build();
        BatchSource fromIdx = DataLoader.builder(idx).imageSize(32).batchSize(64).build();
        drain(fromFolder, 0);
        drain(fromIdx, 0); // warm-up
        double folderRate = 0;
        double idxRate = 0;
        for (int e = 1; e <= 3; e++) {
            folderRate = Math.max(folderRate, N / drain(fromFolder, e));
            idxRate = Math.max(idxRate, N / drain(fromIdx, e));
        }
        System.out.printf("loader throughput at 32x32 on %d Fashion-MNIST PNGs (best of 3 epochs): folder %.0f "
                + "images/s, IDX %.0f images/s (%.1fx)%n", N, folderRate, idxRate, idxRate / folderRate);
        assertThat(folderRate).isPositive();
    }

    private static double drain(BatchSource source, int epoch) {
        long t0 = System.nanoTime();
        int n = 0;
        try (BatchStream s = source.epoch(epoch, 0)) {
            while (s.hasNext()) {
                n += s.next().size();
            }
        }
        assertThat(n).isEqualTo(N);
        return (System.nanoTime() - t0) / 1e9;
    }
}
