package org.vgg4j.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IdxReaderTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {true, false})
    void roundTripsImagesAndLabels(boolean gzip) {
        byte[] pixels = SmallData.pixels(7, 5, 3, 42);
        byte[] labels = SmallData.labels(7, 43);
        Path imgFile = dir.resolve("img");
        Path lblFile = dir.resolve("lbl");
        String imgSha = IdxWriter.writeImages(imgFile, 7, 5, 3, pixels, gzip);
        String lblSha = IdxWriter.writeLabels(lblFile, labels, gzip);

        IdxImages images = IdxReader.readImages(imgFile, imgSha);
        IdxLabels read = IdxReader.readLabels(lblFile, lblSha);

        assertThat(images.count()).isEqualTo(7);
        assertThat(images.rows()).isEqualTo(5);
        assertThat(images.cols()).isEqualTo(3);
        assertThat(images.pixels()).isEqualTo(pixels);
        assertThat(read.labels()).isEqualTo(labels);
        assertThat(images.source()).isEqualTo(imgFile);
    }

    @Test
    void detectsGzipByMagicBytesNotByName() throws IOException {
        byte[] pixels = SmallData.pixels(2, 4, 4, 1);
        Path gzNamedRaw = dir.resolve("raw.gz");
        Path rawNamedGz = dir.resolve("compressed-idx");
        IdxWriter.writeImages(gzNamedRaw, 2, 4, 4, pixels, false);
        IdxWriter.writeImages(rawNamedGz, 2, 4, 4, pixels, true);
        assertThat(Files.readAllBytes(rawNamedGz)[0]).isEqualTo((byte) 0x1f);

        assertThat(IdxReader.readImages(gzNamedRaw, null).pixels()).isEqualTo(pixels);
        assertThat(IdxReader.readImages(rawNamedGz, null).pixels()).isEqualTo(pixels);
    }

    @Test
    void checksumIsOfTheDecompressedContent() {
        byte[] content = IdxWriter.imageBytes(3, 2, 2, SmallData.pixels(3, 2, 2, 5));
        Path gz = dir.resolve("a.gz");
        Path raw = dir.resolve("a");
        assertThat(IdxWriter.write(gz, content, true)).isEqualTo(IdxWriter.write(raw, content, false));
        String sha = Checksums.sha256Hex(content);
        // both forms pass the same checksum
        assertThat(IdxReader.readImages(gz, sha).count()).isEqualTo(3);
        assertThat(IdxReader.readImages(raw, sha.toUpperCase()).count()).isEqualTo(3);
    }

    @Test
    void checksumMismatchNamesTheFileBothDigestsAndTheOptOut() {
        Path file = dir.resolve("train-images-idx3-ubyte.gz");
        String actual = IdxWriter.writeImages(file, 3, 2, 2, SmallData.pixels(3, 2, 2, 5), true);
        String wrong = "00".repeat(32);

        assertThatThrownBy(() -> IdxReader.readImages(file, wrong))
                .isInstanceOf(ChecksumMismatchException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining(actual)
                .hasMessageContaining(wrong)
                .hasMessageContaining("--no-verify")
                .satisfies(e -> {
                    ChecksumMismatchException c = (ChecksumMismatchException) e;
                    assertThat(c.expected()).isEqualTo(wrong);
                    assertThat(c.actual()).isEqualTo(actual);
                });
        // opting out (no expected digest) reads the same file
        assertThat(IdxReader.readImages(file, null).count()).isEqualTo(3);
    }

    @Test
    void wrongMagicNamesTheFileAndWhatItIs() {
        Path labels = dir.resolve("labels.gz");
        IdxWriter.writeLabels(labels, new byte[] {1, 2, 3}, true);
        Path images = dir.resolve("images");
        IdxWriter.writeImages(images, 1, 2, 2, new byte[4], false);

        assertThatThrownBy(() -> IdxReader.readImages(labels, null))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("wrong magic number in " + labels)
                .hasMessageContaining("expected an IDX image file (magic 2051")
                .hasMessageContaining("found an IDX label file (magic 2049)");
        assertThatThrownBy(() -> IdxReader.readLabels(images, null))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("wrong magic number in " + images)
                .hasMessageContaining("found an IDX image file (magic 2051)");
    }

    @Test
    void garbageIsNotAnIdxFile() throws IOException {
        Path html = dir.resolve("page.gz");
        Files.writeString(html, "<html><body>404 Not Found</body></html>");
        assertThatThrownBy(() -> IdxReader.readImages(html, null))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(html.toString())
                .hasMessageContaining("not an IDX file at all (first bytes 3c 68 74 6d)");
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {true, false})
    void truncatedImageDataIsReported(boolean gzip) throws IOException {
        byte[] content = IdxWriter.imageBytes(10, 28, 28, SmallData.pixels(10, 28, 28, 9));
        byte[] cut = Arrays.copyOf(content, content.length - 100);
        Path file = dir.resolve("cut");
        if (gzip) {
            // a complete gzip stream of too little data, and a gzip stream cut in the middle
            IdxWriter.write(file, cut, true);
            assertThatThrownBy(() -> IdxReader.readImages(file, null))
                    .isInstanceOf(DataFormatException.class)
                    .hasMessageContaining(file + " is truncated")
                    .hasMessageContaining("10 images of 28x28 (7840 bytes of data) but only 7740 bytes follow");
            byte[] gz = IdxWriter.gzip(content);
            Path cutGz = dir.resolve("cut2.gz");
            Files.write(cutGz, Arrays.copyOf(gz, gz.length / 2));
            assertThatThrownBy(() -> IdxReader.readImages(cutGz, null))
                    .isInstanceOf(DataFormatException.class)
                    .hasMessageContaining(cutGz + " is truncated");
        } else {
            Files.write(file, cut);
            assertThatThrownBy(() -> IdxReader.readImages(file, null))
                    .isInstanceOf(DataFormatException.class)
                    .hasMessageContaining(file + " is truncated")
                    .hasMessageContaining("only 7740 bytes follow")
                    .hasMessageContaining("delete it and fetch it again");
        }
    }

    @Test
    void truncatedHeaderAndTruncatedLabelsAreReported() throws IOException {
        Path header = dir.resolve("header");
        Files.write(header, Arrays.copyOf(IdxWriter.imageBytes(1, 2, 2, new byte[4]), 10));
        assertThatThrownBy(() -> IdxReader.readImages(header, null))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(header + " is truncated: it ends inside the IDX header");

        Path labels = dir.resolve("labels");
        byte[] full = IdxWriter.labelBytes(new byte[] {1, 2, 3, 4, 5});
        Files.write(labels, Arrays.copyOf(full, full.length - 2));
        assertThatThrownBy(() -> IdxReader.readLabels(labels, null))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(labels + " is truncated")
                .hasMessageContaining("5 labels");
    }

    @Test
    void trailingBytesAreReported() throws IOException {
        Path file = dir.resolve("long");
        byte[] content = IdxWriter.labelBytes(new byte[] {1, 2, 3});
        Files.write(file, Arrays.copyOf(content, content.length + 3));
        assertThatThrownBy(() -> IdxReader.readLabels(file, null))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(file + ": 3 bytes follow the 3 labels");
    }

    @ParameterizedTest(name = "{0} images of {1}x{2}, gzip={3}")
    @CsvSource({
        // 2^22 * 2^21 * 2^21 = 2^64 bytes: the long product wraps to 0, matching an empty body
        "4194304, 2097152, 2097152, false", "4194304, 2097152, 2097152, true",
        // (2^31-1)^2 * 4 wraps to -2^34 + 4, whose int cast is 4
        "2147483647, 2147483647, 4, false",
        // no images, but 65536 x 65536 bytes each: more than an int can index
        "0, 65536, 65536, false",
    })
    void overflowingDimensionProductsAreRefused(int count, int rows, int cols, boolean gzip) throws IOException {
        java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(20).putInt(IdxReader.IMAGES_MAGIC).putInt(count)
                .putInt(rows).putInt(cols).putInt(0x01020304);
        Path file = dir.resolve("overflow");
        IdxWriter.write(file, Arrays.copyOf(header.array(), 16 + (count == 2147483647 ? 4 : 0)), gzip);
        assertThatThrownBy(() -> IdxReader.readImages(file, null))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(file + ": IDX header announces " + count + " images of " + rows + "x" + cols)
                .hasMessageContaining("more than this reader supports (2147483631 bytes)");
    }

    @Test
    void gzipGarbageIsReportedNamingTheFile() throws IOException {
        byte[] content = IdxWriter.imageBytes(4, 8, 8, SmallData.pixels(4, 8, 8, 3));
        byte[] gz = IdxWriter.gzip(content);
        // the gzip magic followed by text
        Path header = dir.resolve("header.gz");
        Files.write(header, new byte[] {0x1f, (byte) 0x8b, 'h', 'e', 'l', 'l', 'o', '!', '!', '!', '!'});
        // valid gzip header, deflate data overwritten
        byte[] damaged = gz.clone();
        Arrays.fill(damaged, 10, damaged.length - 8, (byte) 0xff);
        Path body = dir.resolve("body.gz");
        Files.write(body, damaged);
        // valid deflate data, CRC-32 in the trailer wrong
        byte[] crc = gz.clone();
        crc[crc.length - 8] ^= 0x55;
        Path trailer = dir.resolve("trailer.gz");
        Files.write(trailer, crc);
        // only the gzip magic
        Path magic = dir.resolve("magic.gz");
        Files.write(magic, new byte[] {0x1f, (byte) 0x8b});
        for (Path f : List.of(header, body, trailer, magic)) {
            assertThatThrownBy(() -> IdxReader.readImages(f, null))
                    .as("%s", f)
                    .isInstanceOf(DataFormatException.class)
                    .hasMessageContaining(f.toString())
                    .hasMessageNotContaining("\n")
                    .hasMessageMatching(".*(not valid gzip data|is truncated).*");
        }
    }

    @Test
    void missingFileIsNamed() {
        Path file = dir.resolve("nope.gz");
        assertThatThrownBy(() -> IdxReader.readLabels(file, null))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("data file " + file + " does not exist");
    }

    @Test
    void imageLabelCountMismatchNamesBothFiles() {
        Map<String, byte[]> files = SmallData.files(5, 4, 3, 3, 7);
        files.put("t10k-labels-idx1-ubyte", IdxWriter.labelBytes(SmallData.labels(3, 1)));
        SmallData.write(dir, files, true);
        DataLocation loc = DataLocation.of(SmallData.spec(files), dir, true);

        assertThatThrownBy(() -> ImageDataset.load(loc, Split.TEST))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("image/label count mismatch")
                .hasMessageContaining(dir.resolve("t10k-images-idx3-ubyte.gz") + " holds 4 images")
                .hasMessageContaining(dir.resolve("t10k-labels-idx1-ubyte.gz") + " holds 3 labels");
        assertThat(ImageDataset.load(loc, Split.TRAIN).size()).isEqualTo(5);
    }

    @Test
    void labelOutsideTheClassesIsReported() {
        Map<String, byte[]> files = SmallData.files(3, 3, 2, 2, 7);
        files.put("train-labels-idx1-ubyte", IdxWriter.labelBytes(new byte[] {0, 9, 10}));
        SmallData.write(dir, files, false);
        DataLocation loc = DataLocation.of(SmallData.spec(files), dir, true);

        assertThatThrownBy(() -> ImageDataset.load(loc, Split.TRAIN))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(dir.resolve("train-labels-idx1-ubyte").toString())
                .hasMessageContaining("label 10 at index 2 is not a class of Small (10 classes");
    }

    @Test
    void checksumOptOutReadsACustomDataSet() {
        Map<String, byte[]> files = SmallData.files(6, 2, 4, 4, 11);
        SmallData.write(dir, files, true);
        // a spec whose published digests do not match these files (like reading custom data as Fashion-MNIST)
        DatasetSpec published = SmallData.spec(SmallData.files(6, 2, 4, 4, 12));
        DataLocation verified = DataLocation.of(published, dir, true);
        assertThatThrownBy(() -> ImageDataset.load(verified, Split.TRAIN))
                .isInstanceOf(ChecksumMismatchException.class)
                .hasMessageContaining("train-images-idx3-ubyte.gz");

        ImageDataset loaded = ImageDataset.load(verified.withVerifyChecksums(false), Split.TRAIN);
        assertThat(loaded.size()).isEqualTo(6);
        assertThat(loaded.rawImage(5)).isEqualTo(Arrays.copyOfRange(files.get("train-images-idx3-ubyte"),
                16 + 5 * 16, 16 + 6 * 16));
        // a custom spec has no checksums at all
        ImageDataset custom = ImageDataset.load(DataLocation.of(DatasetSpec.custom("mine", SmallData.CLASSES), dir,
                true), Split.TEST);
        assertThat(custom.size()).isEqualTo(2);
    }
}
