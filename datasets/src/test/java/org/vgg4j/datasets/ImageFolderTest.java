package org.vgg4j.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.core.testing.Python;
import org.vgg4j.core.train.Batch;
import org.vgg4j.core.train.BatchStream;
import org.vgg4j.datasets.image.ImageDecodeException;

/**
 * {@link ImageFolder}, {@link FolderLoader} and {@link FolderSplits} against independent references: Debian's
 * python3-pil writes a class-folder tree of PNG, BMP, GIF and JPEG files of odd sizes and modes, torchvision's own
 * {@code ImageFolder} lists it (class order, file order, labels), and PIL's {@code convert('L' / 'RGB')} +
 * bilinear {@code resize} give the pixels every batch must hold (exactly; JPEG within one level, as the decoder
 * documents).
 */
class ImageFolderTest {
    private static final int SIZE = 24;
    private static final Path SCRIPT = Path.of("src/test/resources/pil/image_folder_reference.py").toAbsolutePath();
    private static Optional<Python> python;
    private static Path root;
    private static final List<String> REF_PATHS = new ArrayList<>();
    private static final List<Integer> REF_LABELS = new ArrayList<>();
    private static List<String> refClasses;

    @TempDir
    static Path dir;

    @TempDir
    Path tmp;

    @BeforeAll
    static void writeWithPil() throws IOException {
        python = Python.withModules("PIL, numpy, torchvision");
        if (python.isEmpty()) {
            return;
        }
        root = dir.resolve("root");
        Python.Run w = python.get().script(SCRIPT, "write", root.toString());
        assertThat(w.exitCode()).as(w.output()).isZero();
        Python.Run r = python.get().script(SCRIPT, "reference", root.toString(), Integer.toString(SIZE));
        assertThat(r.exitCode()).as(r.output()).isZero();
        for (String line : r.output().strip().split("\n")) {
            String[] f = line.split("\t");
            if (f[0].equals("classes")) {
                refClasses = List.of(Arrays.copyOfRange(f, 1, f.length));
            } else {
                REF_LABELS.add(Integer.parseInt(f[0]));
                REF_PATHS.add(f[1]);
            }
        }
    }

    private static void assumePython() {
        assumeTrue(python.isPresent(), "python3 with Pillow, numpy and torchvision is not installed");
    }

    @Test
    void classesFilesAndLabelsAreTorchvisionsImageFolders() {
        assumePython();
        ImageFolder folder = ImageFolder.scan(root, ImageFolder.Options.STRICT);
        assertThat(folder.classNames()).isEqualTo(refClasses).containsExactly("Zebra", "a_dog", "b_cat");
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < folder.size(); i++) {
            paths.add(folder.path(i).toString());
        }
        assertThat(paths).isEqualTo(REF_PATHS); // notes.txt ignored, .PNG/.JPG counted, files sorted per class
        assertThat(folder.labels()).containsExactly(REF_LABELS.stream().mapToInt(Integer::intValue).toArray());
        assertThat(folder.size()).isEqualTo(9);
    }

    @Test
    void everyBatchPixelEqualsPillowsConvertAndResize() throws IOException {
        assumePython();
        ImageFolder folder = ImageFolder.scan(root, ImageFolder.Options.STRICT);
        for (int channels : new int[] {1, 3}) {
            FolderLoader loader = FolderLoader.builder(folder).channels(channels).imageSize(SIZE).batchSize(4)
                    .shuffle(false).build();
            int sample = 0;
            try (BatchStream s = loader.epoch(0, 0)) {
                while (s.hasNext()) {
                    Batch b = s.next();
                    float[] px = b.images().toArray();
                    int per = channels * SIZE * SIZE;
                    assertThat(b.images().shape().dim(1)).isEqualTo(channels);
                    for (int i = 0; i < b.size(); i++, sample++) {
                        assertThat(b.labels()[i]).isEqualTo(REF_LABELS.get(sample));
                        byte[] ref = Files.readAllBytes(dir.resolve("root.ref").resolve(sample
                                + (channels == 1 ? ".L" : ".RGB")));
                        boolean jpeg = REF_PATHS.get(sample).toLowerCase().matches(".*\\.jpe?g");
                        int worst = 0;
                        for (int c = 0; c < channels; c++) {
                            for (int p = 0; p < SIZE * SIZE; p++) {
                                int expected = ref[p * channels + c] & 0xFF;
                                float got = px[i * per + c * SIZE * SIZE + p];
                                worst = Math.max(worst, Math.abs(Math.round(got * 255) - expected));
                                if (!jpeg) {
                                    assertThat(got).as("%s channel %d pixel %d", REF_PATHS.get(sample), c, p)
                                            .isEqualTo(expected / 255f);
                                }
                            }
                        }
                        assertThat(worst).as(REF_PATHS.get(sample)).isLessThanOrEqualTo(jpeg ? 1 : 0);
                    }
                }
            }
            assertThat(sample).isEqualTo(folder.size());
        }
    }

    @Test
    void namesSortInCodePointOrderAsPythonsSorted() throws IOException {
        assumePython();
        List<String> words = List.of("b", "\uff61", "\ud83d\ude00", "B", "\u00e9", "a_b", "a", "A-z", "10", "9");
        List<String> escaped = new ArrayList<>(List.of("sort"));
        for (String w : words) {
            StringBuilder e = new StringBuilder();
            w.codePoints().forEach(cp -> e.append(cp > 0xFFFF ? String.format("\\U%08x", cp)
                    : String.format("\\u%04x", cp)));
            escaped.add(e.toString());
        }
        Python.Run r = python.get().script(SCRIPT, escaped.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.output()).isZero();
        List<String> expected = new ArrayList<>();
        for (String i : r.output().strip().split(" ")) {
            expected.add(words.get(Integer.parseInt(i)));
        }
        List<String> sorted = new ArrayList<>(words);
        sorted.sort(ImageFolder.CODE_POINT_ORDER);
        assertThat(sorted).isEqualTo(expected);
        // String's own order would put U+1F600 (a surrogate pair) before U+FF61, Python's puts it after
        assertThat(expected.indexOf("\ud83d\ude00")).isGreaterThan(expected.indexOf("\uff61"));
    }

    @Test
    void loaderShufflesLikeDataLoaderAndResumesMidEpoch() {
        assumePython();
        ImageFolder folder = ImageFolder.scan(root, ImageFolder.Options.STRICT);
        FolderLoader loader = FolderLoader.builder(folder).imageSize(8).batchSize(2).seed(5).build();
        assertThat(loader.order(1)).isEqualTo(DataLoader.order(9, 5, 1, true)).isNotEqualTo(loader.order(2));
        assertThat(loader.batchesPerEpoch()).isEqualTo(5);
        try (BatchStream s = loader.epoch(1, 3)) {
            Batch b = s.next();
            assertThat(b.labels()).isEqualTo(loader.batch(1, 3).labels());
            assertThat(b.images().toArray()).isEqualTo(loader.batch(1, 3).images().toArray());
        }
    }

    @Test
    void emptyRootIsAnErrorNamingIt() throws IOException {
        assertThatThrownBy(() -> ImageFolder.scan(tmp, ImageFolder.Options.STRICT))
                .isInstanceOf(DataFormatException.class)
                .hasMessage("image folder " + tmp + " has no class folders: expected " + tmp
                        + "/<class>/<image>.png (or .jpg, .jpeg, .bmp, .gif)");
        Path missing = tmp.resolve("nope");
        assertThatThrownBy(() -> ImageFolder.scan(missing, ImageFolder.Options.STRICT))
                .isInstanceOf(DataNotFoundException.class)
                .hasMessage("image folder " + missing + " is not a directory (it does not exist)");
        Files.createDirectories(tmp.resolve("a"));
        assertThatThrownBy(() -> ImageFolder.scan(tmp, new ImageFolder.Options(true, false)))
                .isInstanceOf(DataFormatException.class)
                .hasMessage("image folder " + tmp + " has no images in its 1 class folders");
    }

    @Test
    void classFolderWithoutImagesIsAnErrorUnlessAllowed() throws IOException {
        assumePython();
        Path r = copyOfRoot();
        Files.createDirectories(r.resolve("empty"));
        Files.writeString(r.resolve("empty/readme.txt"), "no images here");
        assertThatThrownBy(() -> ImageFolder.scan(r, ImageFolder.Options.STRICT))
                .isInstanceOf(DataFormatException.class)
                .hasMessage("class folder " + r.resolve("empty") + " has no images (.png, .jpg, .jpeg, .bmp or .gif)"
                        + "; remove it or allow empty classes (--allow-empty-classes)");
        ImageFolder allowed = ImageFolder.scan(r, new ImageFolder.Options(true, false));
        assertThat(allowed.classNames()).containsExactly("Zebra", "a_dog", "b_cat", "empty");
        assertThat(allowed.size()).isEqualTo(9);
    }

    @Test
    void badImageIsAnErrorNamingItOrIsSkippedAndCounted() throws IOException {
        assumePython();
        Path r = copyOfRoot();
        Path bad = r.resolve("a_dog/bad.png");
        Files.writeString(bad, "this is not a png");
        assertThatThrownBy(() -> ImageFolder.scan(r, ImageFolder.Options.STRICT))
                .isInstanceOf(ImageDecodeException.class)
                .hasMessageContaining(bad.toString())
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        // a PNG whose header is sound but whose data is cut short: the scan passes, its batch names it
        byte[] good = Files.readAllBytes(r.resolve("Zebra/B.png"));
        Path truncated = r.resolve("Zebra/C_truncated.png");
        Files.write(truncated, Arrays.copyOf(good, good.length / 2));
        Files.delete(bad);
        ImageFolder strict = ImageFolder.scan(r, ImageFolder.Options.STRICT);
        assertThat(strict.size()).isEqualTo(10);
        FolderLoader loader = FolderLoader.builder(strict).imageSize(8).batchSize(20).shuffle(false).build();
        assertThatThrownBy(() -> loader.batch(0, 0)).isInstanceOf(ImageDecodeException.class)
                .hasMessageContaining(truncated.toString());
        Files.writeString(bad, "this is not a png");
        ImageFolder skipping = ImageFolder.scan(r, new ImageFolder.Options(false, true));
        assertThat(skipping.skipped()).isEqualTo(2);
        assertThat(skipping.size()).isEqualTo(9);
        assertThat(FolderLoader.builder(skipping).imageSize(8).batchSize(20).build().batch(0, 0).size())
                .isEqualTo(9);
    }

    @Test
    void trainAndTestOrValSubfolders() throws IOException {
        assumePython();
        Path data = tmp.resolve("data");
        copyTree(root, data.resolve("train"));
        copyTree(root, data.resolve("val"));
        FolderSplits s = FolderSplits.open(data, ImageFolder.Options.STRICT, 0, 1);
        assertThat(s.train().root()).isEqualTo(data.resolve("train"));
        assertThat(s.test().root()).isEqualTo(data.resolve("val"));
        copyTree(root, data.resolve("test"));
        assertThat(FolderSplits.open(data, ImageFolder.Options.STRICT, 0, 1).test().root())
                .isEqualTo(data.resolve("test"));
        Files.createDirectories(data.resolve("test/extra"));
        Files.copy(root.resolve("Zebra/B.png"), data.resolve("test/extra/B.png"));
        assertThatThrownBy(() -> FolderSplits.open(data, ImageFolder.Options.STRICT, 0, 1))
                .isInstanceOf(DataFormatException.class)
                .hasMessage("the training folder " + data.resolve("train") + " has classes [Zebra, a_dog, b_cat] "
                        + "but the test folder " + data.resolve("test") + " has [Zebra, a_dog, b_cat, extra]; both "
                        + "need the same class folders");
        assertThatThrownBy(() -> FolderSplits.open(root, ImageFolder.Options.STRICT, 0, 1))
                .isInstanceOf(DataFormatException.class)
                .hasMessage("data directory " + root + " has no train/ and test/ (or val/) subfolders; add them, or "
                        + "split " + root + " itself with --val-split (e.g. 0.1)");
    }

    @Test
    void valSplitIsSeededStratifiedAndDisjoint() throws IOException {
        Path r = tmp.resolve("r");
        byte[] png = tinyPng();
        int[] perClass = {20, 10, 7};
        for (int c = 0; c < 3; c++) {
            Files.createDirectories(r.resolve("c" + c));
            for (int i = 0; i < perClass[c]; i++) {
                Files.write(r.resolve("c" + c).resolve(String.format("%03d.png", i)), png);
            }
        }
        FolderSplits s = FolderSplits.open(r, ImageFolder.Options.STRICT, 0.2, 42);
        int[] testCounts = new int[3];
        for (int l : s.test().labels()) {
            testCounts[l]++;
        }
        assertThat(testCounts).containsExactly(4, 2, 1); // round(0.2 * n) per class
        Set<Path> all = new HashSet<>();
        for (ImageFolder f : List.of(s.train(), s.test())) {
            for (int i = 0; i < f.size(); i++) {
                assertThat(all.add(f.path(i))).isTrue();
            }
        }
        assertThat(all).hasSize(37);
        FolderSplits again = FolderSplits.open(r, ImageFolder.Options.STRICT, 0.2, 42);
        FolderSplits other = FolderSplits.open(r, ImageFolder.Options.STRICT, 0.2, 43);
        assertThat(paths(again.test())).isEqualTo(paths(s.test())).isNotEqualTo(paths(other.test()));
        assertThat(paths(s.test())).isSorted(); // the folder's order is kept
        assertThatThrownBy(() -> FolderSplits.open(r, ImageFolder.Options.STRICT, 1.5, 42))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--val-split must be in [0, 1), got 1.5");
    }

    private static List<Path> paths(ImageFolder f) {
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < f.size(); i++) {
            out.add(f.path(i));
        }
        return out;
    }

    private static byte[] tinyPng() throws IOException {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(3, 2,
                java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    private Path copyOfRoot() throws IOException {
        Path r = tmp.resolve("copy");
        copyTree(root, r);
        return r;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
