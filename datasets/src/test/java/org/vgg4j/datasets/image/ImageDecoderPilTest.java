package org.vgg4j.datasets.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.twelvemonkeys.imageio.color.ColorSpaces;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.core.testing.Python;
import org.w3c.dom.Node;

/**
 * vgg4j's decoder against an independent one: Debian's python3-pil writes images of every kind vgg4j reads (varied,
 * odd sizes), the JDK's encoders add the kinds Pillow cannot write (YCCK and Adobe CMYK JPEG, interlaced PNG), Pillow
 * decodes all of them with {@code convert('L')} and {@code convert('RGB')}, and vgg4j must give the same samples:
 * exactly for PNG, GIF and BMP, within one level for JPEG. 16-bit grey PNGs are compared with Pillow's raw samples
 * {@code >> 8} (its {@code convert('L')} clips them; see {@link ImageDecoder}). The shared resize step
 * ({@link DecodedImage#resized}) must equal Pillow's bilinear {@code resize} of the converted image, grey and RGB.
 */
class ImageDecoderPilTest {
    private static Optional<Python> python;

    @TempDir
    static Path dir;

    @BeforeAll
    static void writeAndDecodeWithPil() throws Exception {
        python = Python.withModules("PIL");
        if (python.isEmpty()) {
            return;
        }
        Files.write(dir.resolve("profile.icc"), ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData());
        Path script = Path.of("src/test/resources/pil/decoder_reference.py").toAbsolutePath();
        Python.Run written = python.get().script(script, "write", dir.toString());
        assertThat(written.exitCode()).as(written.output()).isZero();
        for (int[] size : new int[][] {{37, 23}, {64, 48}, {9, 130}}) {
            fourComponentJpeg(dir.resolve("ycck-jdk_" + size[0] + "x" + size[1] + ".jpg"), size[0], size[1], 2);
            fourComponentJpeg(dir.resolve("cmyk-jdk_" + size[0] + "x" + size[1] + ".jpg"), size[0], size[1], 0);
            interlacedPng(dir.resolve("grey-interlaced-jdk_" + size[0] + "x" + size[1] + ".png"), size[0], size[1],
                    BufferedImage.TYPE_BYTE_GRAY);
            interlacedPng(dir.resolve("rgb-interlaced-jdk_" + size[0] + "x" + size[1] + ".png"), size[0], size[1],
                    BufferedImage.TYPE_3BYTE_BGR);
        }
        Python.Run decoded = python.get().script(script, "decode", dir.toString());
        assertThat(decoded.exitCode()).as(decoded.output()).isZero();
        System.out.println(decoded.output().strip());
    }

    @Test
    void everyPixelEqualsPillowsConvertLAndRgb() throws IOException {
        assumeTrue(python.isPresent(), "python3 with Pillow is not installed (apt-get install python3-pil)");
        ImageDecoder decoder = ImageDecoder.create();
        Map<String, int[]> worst = new TreeMap<>();
        List<String> mismatches = new ArrayList<>();
        int resizedCompared = 0;
        List<String> rows = Files.readAllLines(dir.resolve("manifest.tsv"));
        for (String row : rows) {
            String[] f = row.split("\t");
            String name = f[0];
            String pilMode = f[1];
            int width = Integer.parseInt(f[2]);
            int height = Integer.parseInt(f[3]);
            Path file = dir.resolve(name);
            boolean wide = pilMode.startsWith("I");
            String kind = name.substring(0, name.indexOf('_')) + "." + name.substring(name.lastIndexOf('.') + 1)
                    + " (PIL " + pilMode + ")";
            int tolerance = name.endsWith(".jpg") ? 1 : 0;
            for (PixelFormat pixels : PixelFormat.values()) {
                DecodedImage image = decoder.decode(file, pixels);
                assertThat(image.width()).as(name).isEqualTo(width);
                assertThat(image.height()).as(name).isEqualTo(height);
                String suffix = (pixels == PixelFormat.GREY ? ".L" : ".RGB") + (wide ? "16" : "");
                byte[] expected = Files.readAllBytes(dir.resolve(name + suffix));
                byte[] actual = image.samples();
                assertThat(actual).as(name).hasSameSizeAs(expected);
                int max = 0;
                for (int i = 0; i < expected.length; i++) {
                    max = Math.max(max, Math.abs((expected[i] & 0xFF) - (actual[i] & 0xFF)));
                }
                worst.computeIfAbsent(kind, k -> new int[2])[pixels.ordinal()] =
                        Math.max(worst.get(kind)[pixels.ordinal()], max);
                if (max > tolerance) {
                    mismatches.add(name + " " + pixels + ": max difference " + max + " > " + tolerance);
                }
                if (!wide) {
                    // The shared resize step on the decoded samples is PIL's resize of the converted image.
                    byte[] resized = Files.readAllBytes(dir.resolve(name + (pixels == PixelFormat.GREY ? ".L" : ".RGB")
                            + ".resized"));
                    byte[] ours = new DecodedImage(image.format(), width, height, pixels, expected).resized(17, 29)
                            .samples();
                    if (!java.util.Arrays.equals(resized, ours)) {
                        mismatches.add(name + " " + pixels + ": resized to 29x17 differs from PIL's resize");
                    }
                    resizedCompared++;
                }
            }
        }
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-44s %8s %8s%n", "kind", "L", "RGB"));
        worst.forEach((kind, d) -> table.append(String.format(Locale.ROOT, "%-44s %8d %8d%n", kind, d[0], d[1])));
        System.out.println("vgg4j vs Pillow, largest sample difference per kind (" + rows.size() + " files):\n"
                + table);
        assertThat(rows).hasSizeGreaterThan(150);
        assertThat(worst.keySet()).anyMatch(k -> k.startsWith("grey16.png"))
                .anyMatch(k -> k.startsWith("palette-trns.gif")).anyMatch(k -> k.startsWith("ycck-jdk.jpg"))
                .anyMatch(k -> k.startsWith("cmyk.jpg")).anyMatch(k -> k.startsWith("rgba.bmp"));
        assertThat(resizedCompared).isGreaterThan(300);
        assertThat(mismatches).isEmpty();
    }

    @Test
    void pillowsOwnConvertLClips16BitGreyWhichIsWhyTheHighByteIsTheReference() throws IOException {
        assumeTrue(python.isPresent(), "python3 with Pillow is not installed (apt-get install python3-pil)");
        byte[] clipped = Files.readAllBytes(dir.resolve("grey16_37x23.png.L"));
        byte[] high = Files.readAllBytes(dir.resolve("grey16_37x23.png.L16"));
        long white = 0;
        for (byte b : clipped) {
            white += (b & 0xFF) == 255 ? 1 : 0;
        }
        assertThat(white).as("Pillow 9.4's I -> L clips: nearly everything white").isGreaterThan(clipped.length * 9L / 10);
        assertThat(ImageDecoder.create().decode(dir.resolve("grey16_37x23.png"), PixelFormat.GREY).samples())
                .isEqualTo(high);
    }

    /** A 4-component JPEG from the JDK's encoder: Adobe transform 2 (YCCK) or 0 (CMYK). */
    private static void fourComponentJpeg(Path file, int w, int h, int transform) throws IOException {
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, 4, null);
        SplittableRandom rnd = new SplittableRandom(w * 31L + transform);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int b = 0; b < 4; b++) {
                    raster.setSample(x, y, b, (x * 7 + y * 13 + b * 60 + rnd.nextInt(30)) & 0xFF);
                }
            }
        }
        ImageWriter writer = jdkWriter("jpeg");
        ImageWriteParam param = writer.getDefaultWriteParam();
        ImageTypeSpecifier cmyk = ImageTypeSpecifier.createInterleaved(
                ColorSpaces.getColorSpace(ColorSpaces.CS_GENERIC_CMYK), new int[] {0, 1, 2, 3}, DataBuffer.TYPE_BYTE,
                false, false);
        IIOMetadata metadata = writer.getDefaultImageMetadata(cmyk, param);
        String format = "javax_imageio_jpeg_image_1.0";
        Node tree = metadata.getAsTree(format);
        IIOMetadataNode adobe = (IIOMetadataNode) ImageDecoder.first(tree, "app14Adobe");
        adobe.setAttribute("transform", Integer.toString(transform));
        metadata.setFromTree(format, tree);
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(raster, null, metadata), param);
        } finally {
            writer.dispose();
        }
    }

    /** An Adam7-interlaced PNG from the JDK's encoder (Pillow writes no interlaced PNGs). */
    private static void interlacedPng(Path file, int w, int h, int type) throws IOException {
        BufferedImage image = new BufferedImage(w, h, type);
        SplittableRandom rnd = new SplittableRandom(w * 17L + type);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.getRaster().setPixel(x, y, rnd.ints(image.getRaster().getNumBands(), 0, 256).toArray());
            }
        }
        ImageWriter writer = jdkWriter("png");
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
    }

    private static ImageWriter jdkWriter(String format) {
        for (Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName(format); it.hasNext();) {
            ImageWriter w = it.next();
            if (w.getClass().getName().startsWith("com.sun.imageio.")) {
                return w;
            }
        }
        throw new IllegalStateException("no JDK " + format + " writer");
    }
}
