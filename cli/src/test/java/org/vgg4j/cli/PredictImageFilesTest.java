package org.vgg4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vgg4j.core.Tensor;
import org.vgg4j.datasets.DataLocator;
import org.vgg4j.datasets.FashionMnist;
import org.vgg4j.datasets.ImageDataset;
import org.vgg4j.datasets.Split;
import org.vgg4j.datasets.image.ImageDecoder;
import org.vgg4j.datasets.image.PixelFormat;

/**
 * {@code vgg4j predict} on image files: a Fashion-MNIST test image saved as an 8-bit grey PNG is exactly the
 * {@code --index} image (regression test for issue 9: {@code getRGB} turned linear grey into sRGB, raw 55 reached
 * the network as 128), bad files give one line naming the file and exit 1 (2 for a directory), images over the pixel
 * limit are refused before decoding, and 3-channel models get RGB samples.
 */
class PredictImageFilesTest {
    private static final Path BAD = Path.of("src/test/resources/bad-images");

    @TempDir
    Path dir;
    private String run;

    @BeforeEach
    void checkpoint() {
        TestCheckpoints.save(dir.resolve("run"), 1);
        run = dir.resolve("run").toString();
    }

    private static ImageDataset fashionMnistTestSet() {
        assumeTrue(Files.isDirectory(FashionMnist.DEBIAN_DIR), "Fashion-MNIST is not installed at "
                + FashionMnist.DEBIAN_DIR + " (sudo apt-get install " + FashionMnist.DEBIAN_PACKAGE + ")");
        return ImageDataset.load(DataLocator.builder().dataDir(FashionMnist.DEBIAN_DIR).build()
                .locate(FashionMnist.SPEC), Split.TEST);
    }

    /** Writes test image {@code i} as an 8-bit grey PNG (colour type 0) with the JDK's encoder. */
    private static Path savePng(ImageDataset test, int i, Path file) throws IOException {
        BufferedImage img = new BufferedImage(test.cols(), test.rows(), BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setDataElements(0, 0, test.cols(), test.rows(), test.rawImage(i));
        ImageIO.write(img, "png", file.toFile());
        byte[] head = Files.readAllBytes(file);
        assertThat(head[24]).as("bit depth").isEqualTo((byte) 8);
        assertThat(head[25]).as("colour type: grey").isEqualTo((byte) 0);
        return file;
    }

    @Test
    void aFashionMnistTestImageSavedAsAGreyPngIsExactlyTheIndexedImage() throws IOException {
        ImageDataset test = fashionMnistTestSet();
        ImageDecoder decoder = ImageDecoder.create();
        int differentInputs = 0;
        for (int i = 0; i < 200; i++) {
            Path png = savePng(test, i, dir.resolve("t" + i + ".png"));
            for (int size : i < 5 ? new int[] {28, 32, 224} : new int[] {32}) {
                Tensor fromFile = PredictCommand.imageInput(decoder, png, PixelFormat.GREY, size, false);
                float[] expected = test.image(i, size).toArray();
                float[] actual = fromFile.toArray();
                // Bit-identical floats, not merely close: Arrays.equals compares floatToIntBits.
                if (!java.util.Arrays.equals(expected, actual)) {
                    differentInputs++;
                }
            }
        }
        assertThat(differentInputs).as("images whose network input differs from --index's").isZero();
    }

    @Test
    void predictOnThePngPrintsExactlyWhatPredictIndexPrints() throws IOException {
        ImageDataset test = fashionMnistTestSet();
        String data = FashionMnist.DEBIAN_DIR.toString();
        List<String> pngs = new ArrayList<>();
        StringBuilder indices = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            pngs.add(savePng(test, i, dir.resolve("t" + i + ".png")).toString());
            indices.append(i == 0 ? "" : ",").append(i);
        }
        List<String> args = new ArrayList<>(List.of("predict", "--checkpoint", run, "--top-k", "10"));
        args.addAll(pngs);
        CliRun files = CliRun.of(args.toArray(String[]::new));
        CliRun index = CliRun.of("predict", "--checkpoint", run, "--top-k", "10", "--data-dir", data, "--index",
                indices.toString());
        assertThat(files.exit()).as(files.err()).isZero();
        assertThat(index.exit()).as(index.err()).isZero();
        String[] byFile = files.out().strip().split("\n");
        String[] byIndex = index.out().strip().split("\n");
        assertThat(byFile).hasSize(20);
        for (int i = 0; i < 20; i++) {
            // "FILE:  Sneaker 0.1050  ..." against "test[i] (true: Ankle boot):  Sneaker 0.1050  ..."
            assertThat(byFile[i].substring(byFile[i].indexOf(":  "))).as("image " + i)
                    .isEqualTo(byIndex[i].substring(byIndex[i].indexOf(":  ")));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "truncated-idat.png | corrupt or truncated PNG data (Error reading PNG image data: Unexpected end of ZLIB input stream)",
        "truncated-file.png | corrupt or truncated PNG data",
        "corrupt-idat.png | corrupt or truncated PNG data (Error reading PNG image data: invalid stored block lengths)",
        "declares-65535x65535.png | declares 65535 x 65535 = 4,294,836,225 pixels, over the limit of 67,108,864 pixels (64 megapixels); raise it with --max-pixels N",
        "declares-100000x100000.png | declares 100000 x 100000 = 10,000,000,000 pixels, over the limit of 67,108,864 pixels",
        "declares-46340x46340.png | declares 46340 x 46340 = 2,147,395,600 pixels",
        "signature-only.png | corrupt or truncated PNG data (I/O error reading PNG header!: unexpected end of file)",
        "notes.png | is not a PNG, JPEG, GIF or BMP image (it starts with \"not an image, ju\": text)",
        "empty.png | is empty (0 bytes)",
        "truncated.jpg | corrupt or truncated JPEG data",
        "bad-frame.jpg | corrupt JPEG header (size 0 x 0)",
        "no-frame.gif | corrupt or truncated GIF data (Attempt to read past end of image sequence!)",
        "truncated.bmp | corrupt or truncated BMP data",
    })
    void aBadImageFileIsOneLineNamingTheFileAndExitOne(String file, String expected) {
        Path image = BAD.resolve(file);
        assertThat(image).exists();
        CliRun r = CliRun.of("predict", "--checkpoint", run, image.toString());
        assertOneLineError(r, 1, image.toString(), expected);
    }

    @Test
    void aDirectoryIsAUsageErrorThatSaysItIsADirectory() {
        CliRun r = CliRun.of("predict", "--checkpoint", run, dir.toString());
        assertOneLineError(r, 2, dir.toString(), "is a directory, not an image file; give image files");
    }

    @Test
    void aMissingFileSaysItDoesNotExist() {
        Path missing = dir.resolve("nowhere.png");
        assertOneLineError(CliRun.of("predict", "--checkpoint", run, missing.toString()), 1, missing.toString(),
                "does not exist");
    }

    @Test
    void aFileThatCannotBeReadSaysSo() throws IOException {
        // /proc/self/mem is a regular file whose read fails with EIO at offset 0, even for root.
        Path mem = Path.of("/proc/self/mem");
        assumeTrue(Files.isRegularFile(mem), "needs Linux's /proc/self/mem");
        assertOneLineError(CliRun.of("predict", "--checkpoint", run, mem.toString()), 1, mem.toString(),
                "cannot read image /proc/self/mem: Input/output error");
    }

    @Test
    void aFileWithoutReadPermissionSaysPermissionDenied() throws IOException {
        assumeFalse("root".equals(System.getProperty("user.name")), "root reads files whatever their permissions");
        Path locked = Files.copy(BAD.resolve("good-16x16.png"), dir.resolve("locked.png"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        assertOneLineError(CliRun.of("predict", "--checkpoint", run, locked.toString()), 1, locked.toString(),
                "permission denied");
    }

    @Test
    void badImagesFailBeforeTheModelIsLoaded() {
        // The checkpoint does not exist: the image's own error comes first, so no model is loaded for nothing.
        Path bomb = BAD.resolve("declares-46340x46340.png");
        CliRun r = CliRun.of("predict", "--checkpoint", dir.resolve("no-such-run").toString(), bomb.toString());
        assertOneLineError(r, 1, bomb.toString(), "over the limit");
    }

    @Test
    void maxPixelsRaisesOrLowersTheLimit() {
        Path good = BAD.resolve("good-16x16.png");
        assertThat(CliRun.of("predict", "--checkpoint", run, good.toString()).exit()).isZero();
        CliRun low = CliRun.of("predict", "--checkpoint", run, "--max-pixels", "255", good.toString());
        assertOneLineError(low, 1, good.toString(), "declares 16 x 16 = 256 pixels, over the limit of 255 pixels; "
                + "raise it with --max-pixels N");
        assertThat(CliRun.of("predict", "--checkpoint", run, "--max-pixels", "256", good.toString()).exit())
                .isZero();
        CliRun zero = CliRun.of("predict", "--checkpoint", run, "--max-pixels", "0", good.toString());
        assertOneLineError(zero, 2, "--max-pixels", "must be >= 1");
        // The limit goes up to what one Java array can hold; a 4-gigapixel image never fits.
        Path huge = BAD.resolve("declares-65535x65535.png");
        CliRun raised = CliRun.of("predict", "--checkpoint", run, "--max-pixels", "536870911", huge.toString());
        assertOneLineError(raised, 1, huge.toString(), "over the limit of 536,870,911 pixels");
        CliRun tooHigh = CliRun.of("predict", "--checkpoint", run, "--max-pixels", "10000000000", huge.toString());
        assertOneLineError(tooHigh, 2, "--max-pixels", "at most 536,870,911");
    }

    @Test
    void aThreeChannelModelGetsRgbSamples() throws IOException {
        TestCheckpoints.save(dir.resolve("rgb-run"), 3);
        BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                img.setRGB(x, y, (x * 6 << 16) | (y * 8 << 8) | 200);
            }
        }
        Path png = dir.resolve("colour.png");
        ImageIO.write(img, "png", png.toFile());
        Tensor input = PredictCommand.imageInput(ImageDecoder.create(), png, PixelFormat.RGB, 32, false);
        assertThat(input.shape().dims()).containsExactly(1, 3, 32, 32);
        assertThat(input.get(2 * 32 * 32)).as("blue plane").isEqualTo(200 / 255f);
        CliRun r = CliRun.of("predict", "--checkpoint", dir.resolve("rgb-run").toString(), png.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith(png + ":");
        CliRun index = CliRun.of("predict", "--checkpoint", dir.resolve("rgb-run").toString(), "--index", "0");
        assertOneLineError(index, 2, "--index", "greyscale test set; this model takes 3 channels");
    }

    @Test
    void invertStillInvertsBeforeTheResize() throws IOException {
        ImageDataset test = fashionMnistTestSet();
        Path png = savePng(test, 0, dir.resolve("boot.png"));
        Tensor inverted = PredictCommand.imageInput(ImageDecoder.create(), png, PixelFormat.GREY, 28, true);
        byte[] raw = test.rawImage(0);
        for (int i = 0; i < raw.length; i++) {
            assertThat(inverted.get(i)).isEqualTo((255 - (raw[i] & 0xFF)) / 255f);
        }
    }

    private static void assertOneLineError(CliRun r, int exit, String names, String says) {
        assertThat(r.exit()).as(r.err()).isEqualTo(exit);
        assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
        assertThat(r.err()).startsWith("error: ").contains(names).contains(says).doesNotContain("Exception")
                .doesNotContain("\tat ").doesNotContain("error: unexpected");
        assertThat(r.out()).isEmpty();
    }
}
