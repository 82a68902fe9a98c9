package org.vgg4j.datasets;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Small generated data sets in the Fashion-MNIST file layout, for tests. */
final class SmallData {
    static final List<String> CLASSES = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");

    private SmallData() {
    }

    /** Seeded pixels for {@code count} images of {@code rows x cols}. */
    static byte[] pixels(int count, int rows, int cols, long seed) {
        byte[] p = new byte[count * rows * cols];
        new Random(seed).nextBytes(p);
        return p;
    }

    /** Seeded labels in [0, 10). */
    static byte[] labels(int count, long seed) {
        Random r = new Random(seed);
        byte[] l = new byte[count];
        for (int i = 0; i < count; i++) {
            l[i] = (byte) r.nextInt(10);
        }
        return l;
    }

    /** Raw (uncompressed) bytes of the four files, keyed by file name. */
    static Map<String, byte[]> files(int train, int test, int rows, int cols, long seed) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("train-images-idx3-ubyte", IdxWriter.imageBytes(train, rows, cols, pixels(train, rows, cols, seed)));
        files.put("train-labels-idx1-ubyte", IdxWriter.labelBytes(labels(train, seed + 1)));
        files.put("t10k-images-idx3-ubyte", IdxWriter.imageBytes(test, rows, cols, pixels(test, rows, cols, seed + 2)));
        files.put("t10k-labels-idx1-ubyte", IdxWriter.labelBytes(labels(test, seed + 3)));
        return files;
    }

    /** SHA-256 of each file's raw bytes. */
    static Map<String, String> checksums(Map<String, byte[]> files) {
        Map<String, String> sums = new LinkedHashMap<>();
        files.forEach((name, bytes) -> sums.put(name, Checksums.sha256Hex(bytes)));
        return sums;
    }

    /** Writes the files into {@code dir} (gzip as NAME.gz, or raw as NAME). */
    static void write(Path dir, Map<String, byte[]> files, boolean gzip) {
        files.forEach((name, bytes) -> IdxWriter.write(dir.resolve(gzip ? name + ".gz" : name), bytes, gzip));
    }

    /** A data set description with these files' checksums, no system directories and no mirrors. */
    static DatasetSpec spec(Map<String, byte[]> files) {
        return new DatasetSpec("small", "Small", CLASSES, checksums(files), List.of(), List.of(), null);
    }

    /** A loaded split made in memory. */
    static ImageDataset dataset(int count, int rows, int cols, long seed) {
        IdxImages images = new IdxImages(null, count, rows, cols, pixels(count, rows, cols, seed));
        IdxLabels labels = new IdxLabels(null, labels(count, seed + 1));
        return ImageDataset.of(DatasetSpec.custom("mem", CLASSES), Split.TRAIN, images, labels);
    }
}
