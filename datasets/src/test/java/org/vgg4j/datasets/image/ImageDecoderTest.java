package org.vgg4j.datasets.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.core.Tensor;
import org.vgg4j.datasets.ResizeMode;
import org.vgg4j.datasets.Resizer;
import org.vgg4j.datasets.image.ImageDecodeException.Reason;

/**
 * The decoder's contract beyond pixel equality with PIL (which {@link ImageDecoderPilTest} proves): raw grey samples
 * stay raw, the header and pixel limit come before any decoding, every bad input is an {@link ImageDecodeException}
 * with the right reason and a one-line message, and the resize and tensor steps are the data pipeline's.
 */
class ImageDecoderTest {
    @TempDir
    Path dir;

    private static byte[] greyPng(int w, int h, byte[] samples) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setDataElements(0, 0, w, h, samples);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    /** A grey PNG whose IHDR declares {@code w x h} over a one-row IDAT. */
    private static byte[] pngDeclaring(int w, int h) {
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 0).put((byte) 0)
                .put((byte) 0).put((byte) 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9c, 0x63, 0, 0, 0, 1, 0, 1});
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    @Test
    void rawGreySamplesStayRawWhereGetRgbGammaShiftedThem() throws IOException {
        byte[] samples = {55, 47, (byte) 134, 0, (byte) 255, 1};
        byte[] png = greyPng(3, 2, samples);
        DecodedImage image = ImageDecoder.create().decode(png, "grey.png", PixelFormat.GREY);
        assertThat(image.samples()).containsExactly(samples);
        // What the old predict saw: BufferedImage.getRGB converts linear grey to sRGB.
        BufferedImage old = ImageIO.read(new java.io.ByteArrayInputStream(png));
        assertThat(old.getRGB(0, 0) & 0xFF).isEqualTo(128);
        assertThat(old.getRGB(1, 0) & 0xFF).isEqualTo(119);
        assertThat(old.getRGB(2, 0) & 0xFF).isEqualTo(192);
        assertThat(ImageDecoder.create().decode(png, "grey.png", PixelFormat.RGB).samples())
                .containsExactly(55, 55, 55, 47, 47, 47, 134, 134, 134, 0, 0, 0, 255, 255, 255, 1, 1, 1);
    }

    @Test
    void aFileAndItsBytesDecodeAlike() throws IOException {
        byte[] samples = new byte[7 * 5];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (byte) (i * 7);
        }
        Path file = Files.write(dir.resolve("g.png"), greyPng(7, 5, samples));
        DecodedImage fromFile = ImageDecoder.create().decode(file, PixelFormat.GREY);
        DecodedImage fromBytes = ImageDecoder.create().decode(Files.readAllBytes(file), "g", PixelFormat.GREY);
        assertThat(fromFile.samples()).isEqualTo(fromBytes.samples()).isEqualTo(samples);
        assertThat(fromFile.format()).isEqualTo(ImageFormat.PNG);
        assertThat(ImageDecoder.create().readHeader(file)).isEqualTo(new ImageHeader(ImageFormat.PNG, 7, 5));
    }

    @Test
    void theHeaderIsReadWithoutDecodingAndTheLimitIsAppliedToIt() {
        ImageDecoder decoder = ImageDecoder.create();
        byte[] bomb = pngDeclaring(46340, 46340);
        for (Runnable read : new Runnable[] {() -> decoder.readHeader(bomb, "bomb.png"),
            () -> decoder.decode(bomb, "bomb.png", PixelFormat.GREY)}) {
            long t0 = System.nanoTime();
            assertThatThrownBy(read::run).isInstanceOfSatisfying(ImageDecodeException.class, e -> {
                assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE);
                assertThat(e.source()).isEqualTo("bomb.png");
                assertThat(e.getMessage()).isEqualTo("image bomb.png declares 46340 x 46340 = 2,147,395,600 pixels, "
                        + "over the limit of 67,108,864 pixels (64 megapixels)");
            });
            // Refused from the header: no 2 GB raster (the old code took 70 s and 5.8 GB for this).
            assertThat(System.nanoTime() - t0).isLessThan(20_000_000_000L);
        }
        ImageDecoder small = decoder.withMaxPixels(100).withLimitHint("raise it with --max-pixels N");
        assertThatThrownBy(() -> small.decode(pngDeclaring(11, 10), "x.png", PixelFormat.GREY))
                .hasMessage("image x.png declares 11 x 10 = 110 pixels, over the limit of 100 pixels; raise it with "
                        + "--max-pixels N");
        assertThat(small.withMaxPixels(110).readHeader(pngDeclaring(11, 10), "x.png").pixels()).isEqualTo(110);
    }

    @Test
    void theLimitMustFitAJavaArray() {
        assertThatThrownBy(() -> ImageDecoder.create().withMaxPixels(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ImageDecoder.create().withMaxPixels(ImageDecoder.HIGHEST_MAX_PIXELS + 1))
                .hasMessageContaining("at most 536,870,911");
        assertThat(ImageDecoder.create().withMaxPixels(ImageDecoder.HIGHEST_MAX_PIXELS).maxPixels())
                .isEqualTo(536_870_911L);
    }

    @Test
    void everyBadInputHasItsReasonAndOneLine() throws IOException {
        ImageDecoder d = ImageDecoder.create();
        Path text = Files.writeString(dir.resolve("notes.png"), "hello, not an image");
        Path empty = Files.write(dir.resolve("empty.png"), new byte[0]);
        byte[] truncated = noisePngCutBy(60);
        byte[] jpegStart = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 4, 0, 0};
        assertReason(() -> d.decode(dir.resolve("missing.png"), PixelFormat.GREY), Reason.NOT_FOUND, "does not exist");
        assertReason(() -> d.decode(dir, PixelFormat.GREY), Reason.DIRECTORY, "is a directory, not an image file");
        assertReason(() -> d.decode(empty, PixelFormat.GREY), Reason.EMPTY, "is empty (0 bytes)");
        assertReason(() -> d.decode(text, PixelFormat.GREY), Reason.NOT_AN_IMAGE,
                "is not a PNG, JPEG, GIF or BMP image (it starts with \"hello, not an im\": text)");
        assertReason(() -> d.decode(new byte[] {1, 2, (byte) 0xFE}, "blob", PixelFormat.GREY), Reason.NOT_AN_IMAGE,
                "(it starts with bytes 01 02 fe)");
        assertReason(() -> d.decode(truncated, "cut.png", PixelFormat.GREY), Reason.CORRUPT,
                "image cut.png: corrupt or truncated PNG data (");
        assertReason(() -> d.decode(jpegStart, "cut.jpg", PixelFormat.RGB), Reason.CORRUPT,
                "image cut.jpg: corrupt or truncated JPEG data (");
        Path mem = Path.of("/proc/self/mem");
        if (Files.isRegularFile(mem)) {
            assertReason(() -> d.decode(mem, PixelFormat.GREY), Reason.UNREADABLE, "cannot read image /proc/self/mem");
        }
        Path device = Path.of("/dev/null");
        if (Files.exists(device)) {
            assertReason(() -> d.readHeader(device), Reason.NOT_A_FILE, "is not a regular file");
        }
    }

    /** A 16x16 grey PNG of noise (its IDAT is most of the file) cut by {@code bytes}. */
    private static byte[] noisePngCutBy(int bytes) throws IOException {
        byte[] noise = new byte[256];
        new java.util.SplittableRandom(1).nextBytes(noise);
        byte[] good = greyPng(16, 16, noise);
        return Arrays.copyOf(good, good.length - bytes);
    }

    @Test
    void aTruncatedImageHasAGoodHeaderButFailsToDecode() throws IOException {
        byte[] truncated = noisePngCutBy(60);
        assertThat(ImageDecoder.create().readHeader(truncated, "cut.png"))
                .isEqualTo(new ImageHeader(ImageFormat.PNG, 16, 16));
        assertReason(() -> ImageDecoder.create().decode(truncated, "cut.png", PixelFormat.GREY), Reason.CORRUPT,
                "corrupt or truncated");
        // Only IEND and the zlib checksum missing: every row is there, and PIL 9.4 decodes such a file too.
        assertThat(ImageDecoder.create().decode(noisePngCutBy(20), "no-end.png", PixelFormat.GREY).width())
                .isEqualTo(16);
    }

    @Test
    void theResizeAndTensorStepsAreTheDataLoadersOwn() throws IOException {
        byte[] samples = new byte[28 * 28];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (byte) ((i * 37 + i / 28 * 11) % 256);
        }
        DecodedImage image = ImageDecoder.create().decode(greyPng(28, 28, samples), "p.png", PixelFormat.GREY);
        Tensor tensor = image.resized(224, 224).toTensor();
        float[] expected = new float[224 * 224];
        Resizer.square(28, 224, ResizeMode.PIL).resize(samples, 0, expected, 0);
        assertThat(tensor.shape().dims()).containsExactly(1, 1, 224, 224);
        assertThat(tensor.toArray()).isEqualTo(expected);
        assertThat(image.resized(28, 28)).isSameAs(image);
        assertThat(image.inverted().sample(3, 2, 0)).isEqualTo(255 - image.sample(3, 2, 0));
        DecodedImage rgb = new DecodedImage(ImageFormat.PNG, 2, 1, PixelFormat.RGB, new byte[] {1, 2, 3, 4, 5, 6});
        assertThat(rgb.toTensor().toArray()).containsExactly(1 / 255f, 4 / 255f, 2 / 255f, 5 / 255f, 3 / 255f,
                6 / 255f);
        assertThat(rgb.resized(1, 2)).isSameAs(rgb);
        assertThatThrownBy(() -> new DecodedImage(ImageFormat.PNG, 2, 2, PixelFormat.RGB, new byte[5]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aGrey16BitPngKeepsTheHighByte() throws IOException {
        BufferedImage img = new BufferedImage(3, 1, BufferedImage.TYPE_USHORT_GRAY);
        img.getRaster().setPixels(0, 0, 3, 1, new int[] {0x37FF, 0x3700, 0xFFFF});
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        assertThat(ImageDecoder.create().decode(out.toByteArray(), "g16.png", PixelFormat.GREY).samples())
                .containsExactly(0x37, 0x37, 0xFF);
    }

    @Test
    void pixelFormatsForChannels() {
        assertThat(PixelFormat.forChannels(1)).isEqualTo(PixelFormat.GREY);
        assertThat(PixelFormat.forChannels(3)).isEqualTo(PixelFormat.RGB);
        assertThatThrownBy(() -> PixelFormat.forChannels(4)).hasMessageContaining("this model takes 4");
    }

    private static void assertReason(Runnable read, Reason reason, String message) {
        assertThatThrownBy(read::run).isInstanceOfSatisfying(ImageDecodeException.class, e -> {
            assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
            assertThat(e.getMessage()).contains(message).doesNotContain("\n").doesNotContain("Exception");
        });
    }
}
