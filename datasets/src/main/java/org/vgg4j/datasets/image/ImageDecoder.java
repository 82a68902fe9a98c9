package org.vgg4j.datasets.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Objects;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.vgg4j.datasets.image.ImageDecodeException.Reason;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Decodes PNG, JPEG, GIF and BMP files or bytes into 8-bit grey or RGB samples equal to PIL's
 * {@code Image.open(f).convert('L')} / {@code convert('RGB')} (Pillow 9.4), after checking the size the file declares
 * against a pixel limit; every bad input ends in an {@link ImageDecodeException} with a one-line message, and in no
 * other exception. Immutable and thread-safe.
 *
 * <p>What "equal to PIL" means, per input (the tests compare every pixel against Debian's python3-pil):
 * <ul>
 *   <li>8-bit grey, RGB, RGBA, grey+alpha, palette (with or without tRNS) PNGs, GIFs and BMPs: exactly equal. Alpha
 *       is dropped without compositing, as PIL's {@code convert} drops it; 1-, 2- and 4-bit grey scale to 0..255 as
 *       PIL unpacks them.</li>
 *   <li>16-bit PNGs: each sample's high byte ({@code v >> 8}), which is what PIL does for 16-bit RGB, RGBA and
 *       grey+alpha PNGs. For 16-bit grey PNGs PIL's own {@code convert('L')} clips (opened as mode {@code I}, every
 *       sample above 255 becomes 255, so almost any real 16-bit image turns white); this decoder keeps the high byte
 *       there too, i.e. PIL's raw samples {@code >> 8}.</li>
 *   <li>JPEG: the raw decoded samples (the JDK's libjpeg, through TwelveMonkeys' reader) converted as libjpeg and
 *       PIL convert them (YCbCr with libjpeg's tables; CMYK and YCCK with PIL's Adobe polarity and its naive
 *       CMYK to RGB). Embedded ICC profiles are ignored, as PIL ignores them. Equal to PIL within one level (the
 *       decoders' IDCTs may round differently).</li>
 *   <li>GIF: the first frame, drawn on its canvas as PIL draws it (canvas the logical screen, grown to hold the frame;
 *       background the transparent index, else index 0).</li>
 *   <li>Invalid palette images whose pixels index past the palette: for PNG as PIL (grey level = index). For GIF the
 *       JDK's reader keeps only the index's low bits (the colour table's width), which cannot be undone; PIL shows
 *       grey level = index there. This is the one known difference.</li>
 *   <li>EXIF orientation is not applied (PIL's {@code open} does not apply it either).</li>
 * </ul>
 *
 * <p>Pixel limit: the width and height are read from the header first; an image declaring more than
 * {@link #maxPixels()} pixels (default {@link #DEFAULT_MAX_PIXELS}, 64 megapixels) is refused before any pixel is
 * decoded, so a small file declaring a huge image (a decompression bomb) costs neither time nor memory.
 */
public final class ImageDecoder {
    /** The default pixel limit: 2^26 = 67,108,864 pixels (64 megapixels, e.g. 8192 x 8192). */
    public static final long DEFAULT_MAX_PIXELS = 1L << 26;

    /**
     * The highest pixel limit: 2^29 - 1 = 536,870,911 pixels. Readers hold up to four array elements per pixel (16-bit
     * RGBA), and a Java array has fewer than 2^31 elements.
     */
    public static final long HIGHEST_MAX_PIXELS = (1L << 29) - 1;

    private static final ImageDecoder DEFAULT = new ImageDecoder(DEFAULT_MAX_PIXELS, "");
    private static final int MAX_DETAIL = 160;

    private final long maxPixels;
    private final String limitHint;

    private ImageDecoder(long maxPixels, String limitHint) {
        this.maxPixels = maxPixels;
        this.limitHint = limitHint;
    }

    /**
     * A decoder with the default pixel limit.
     *
     * @return the shared decoder limited to {@link #DEFAULT_MAX_PIXELS} pixels (decoders are immutable)
     */
    public static ImageDecoder create() {
        return DEFAULT;
    }

    /**
     * The same decoder with another pixel limit.
     *
     * @param maxPixels the most pixels (width x height) an image may declare
     * @return a new decoder with this decoder's limit hint
     * @throws IllegalArgumentException if {@code maxPixels} is not in {@code [1, }{@link #HIGHEST_MAX_PIXELS}{@code ]}
     */
    public ImageDecoder withMaxPixels(long maxPixels) {
        if (maxPixels < 1 || maxPixels > HIGHEST_MAX_PIXELS) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "the pixel limit must be >= 1 and at most "
                    + "%,d (a 16-bit RGBA image of that size fills one Java array), got %,d", HIGHEST_MAX_PIXELS,
                    maxPixels));
        }
        return new ImageDecoder(maxPixels, limitHint);
    }

    /**
     * The same decoder, whose too-large message ends with {@code hint} (how the caller's users raise the limit, e.g.
     * {@code "raise it with --max-pixels N"}).
     *
     * @param hint the text appended to a too-large message; not null
     * @return a new decoder with this decoder's pixel limit
     * @throws NullPointerException if {@code hint} is null
     */
    public ImageDecoder withLimitHint(String hint) {
        return new ImageDecoder(maxPixels, Objects.requireNonNull(hint, "hint"));
    }

    /**
     * The most pixels (width x height) an image may declare.
     *
     * @return the limit, from 1 to {@link #HIGHEST_MAX_PIXELS}
     */
    public long maxPixels() {
        return maxPixels;
    }

    /**
     * The format and declared size of {@code file}, from its header only (no pixel is decoded): a cheap check of a
     * file before expensive work (loading a model) starts.
     *
     * @param file the image file
     * @return its format and declared width and height
     * @throws ImageDecodeException if the file is missing, a directory, unreadable, empty, not an image, has a
     *                              corrupt header, or declares more than {@link #maxPixels()} pixels
     */
    public ImageHeader readHeader(Path file) {
        String name = file.toString();
        try (ImageInputStream in = open(file)) {
            return withReader(in, name, (reader, format, palette) -> checkedHeader(reader, format, name));
        } catch (IOException e) {
            throw unreadable(name, e);
        }
    }

    /**
     * {@link #readHeader(Path)} for the image in {@code data}, called {@code name} in errors.
     *
     * @param data the image file's bytes
     * @param name the label of the image in error messages, e.g. an upload's file name
     * @return its format and declared width and height
     * @throws ImageDecodeException if the bytes are empty, not an image, have a corrupt header or declare too many
     *                              pixels
     */
    public ImageHeader readHeader(byte[] data, String name) {
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
            return withReader(in, name, (reader, format, palette) -> checkedHeader(reader, format, name));
        } catch (IOException e) {
            throw unreadable(name, e);
        }
    }

    /**
     * Decodes {@code file} into {@code pixels} samples.
     *
     * @param file   the image file: PNG, JPEG, GIF (first frame) or BMP
     * @param pixels grey or RGB; not null
     * @return the image at its own size, as PIL's {@code Image.open(f).convert('L' or 'RGB')} gives it
     * @throws ImageDecodeException if the file is missing, a directory, unreadable, empty, not an image, corrupt,
     *                              truncated, unsupported or over the pixel limit
     */
    public DecodedImage decode(Path file, PixelFormat pixels) {
        Objects.requireNonNull(pixels, "pixels");
        String name = file.toString();
        try (ImageInputStream in = open(file)) {
            return withReader(in, name, (reader, format, palette) -> decode(reader, format, palette, name, pixels));
        } catch (IOException e) {
            throw unreadable(name, e);
        }
    }

    /**
     * Decodes the image in {@code data} into {@code pixels} samples; {@code name} labels it in error messages (an
     * upload's file name, "request body", ...).
     *
     * @param data   the image file's bytes: PNG, JPEG, GIF (first frame) or BMP; not null
     * @param name   the label of the image in error messages
     * @param pixels grey or RGB; not null
     * @return the image at its own size, as PIL's {@code Image.open(f).convert('L' or 'RGB')} gives it
     * @throws ImageDecodeException if the bytes are empty, not an image, corrupt, truncated, unsupported or over the
     *                              pixel limit
     */
    public DecodedImage decode(byte[] data, String name, PixelFormat pixels) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(pixels, "pixels");
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
            return withReader(in, name, (reader, format, palette) -> decode(reader, format, palette, name, pixels));
        } catch (IOException e) {
            throw unreadable(name, e);
        }
    }

    // ---------------------------------------------------------------- input

    private static ImageInputStream open(Path file) {
        String name = file.toString();
        if (Files.isDirectory(file)) {
            throw new ImageDecodeException(name, Reason.DIRECTORY, "image " + name
                    + " is a directory, not an image file");
        }
        if (!Files.exists(file)) {
            throw new ImageDecodeException(name, Reason.NOT_FOUND, "image " + name + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new ImageDecodeException(name, Reason.NOT_A_FILE, "image " + name + " is not a regular file");
        }
        try (SeekableByteChannel probe = Files.newByteChannel(file)) {
            // Opened only to get the precise reason when it cannot be read.
            probe.size();
        } catch (AccessDeniedException e) {
            throw new ImageDecodeException(name, Reason.UNREADABLE, "cannot read image " + name
                    + ": permission denied", e);
        } catch (IOException e) {
            throw unreadable(name, e);
        }
        try {
            return new FileImageInputStream(new RandomAccessFile(file.toFile(), "r"));
        } catch (IOException e) {
            throw unreadable(name, e);
        }
    }

    private static ImageDecodeException unreadable(String name, IOException e) {
        return new ImageDecodeException(name, Reason.UNREADABLE, "cannot read image " + name + ": " + detail(e), e);
    }

    /** The format, from the signature; the stream is back at its start afterwards. */
    private static ImageFormat sniff(ImageInputStream in, String name) {
        byte[] head = new byte[16]; // the signature, and enough to show what the file is instead
        int n;
        try {
            n = 0;
            while (n < head.length) {
                int r = in.read(head, n, head.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
            in.seek(0);
        } catch (IOException e) {
            throw unreadable(name, e);
        }
        if (n == 0) {
            throw new ImageDecodeException(name, Reason.EMPTY, "image " + name + " is empty (0 bytes)");
        }
        final int length = n;
        return ImageFormat.detect(head, length).orElseThrow(() -> new ImageDecodeException(name,
                Reason.NOT_AN_IMAGE, name + " is not a PNG, JPEG, GIF or BMP image (it starts with "
                + startOf(head, length) + ")"));
    }

    private static String startOf(byte[] head, int n) {
        StringBuilder hex = new StringBuilder();
        StringBuilder text = new StringBuilder();
        boolean printable = true;
        for (int i = 0; i < n; i++) {
            int b = head[i] & 0xFF;
            hex.append(i == 0 ? "" : " ").append(String.format(Locale.ROOT, "%02x", b));
            printable &= b >= 0x20 && b < 0x7F || b == '\n' || b == '\r' || b == '\t';
            text.append(b >= 0x20 && b < 0x7F ? (char) b : ' ');
        }
        return printable ? "\"" + text.toString().strip() + "\": text" : "bytes " + hex;
    }

    // ---------------------------------------------------------------- readers

    /** Work done with a reader positioned on the input. */
    @FunctionalInterface
    private interface ReaderWork<T> {
        T run(ImageReader reader, ImageFormat format, int paletteEntries);
    }

    private static <T> T withReader(ImageInputStream in, String name, ReaderWork<T> work) {
        ImageFormat format = sniff(in, name);
        int paletteEntries = format == ImageFormat.PNG ? PngPalette.entries(in) : -1;
        ImageReader reader = readerFor(format);
        try {
            // JPEG and GIF need their metadata (colour space; canvas and transparency); PNG and BMP do not.
            reader.setInput(in, true, format == ImageFormat.PNG || format == ImageFormat.BMP);
            return work.run(reader, format, paletteEntries);
        } catch (IllegalStateException e) {
            // TwelveMonkeys' JPEG reader reports I/O errors while it scans the markers in setInput this way.
            throw corrupt(name, format, e);
        } finally {
            reader.dispose();
        }
    }

    /**
     * The reader for {@code format}: the JDK's own for PNG, GIF and BMP, TwelveMonkeys' for JPEG (chosen by class,
     * not by whichever plugin happens to come first on the class path).
     */
    private static ImageReader readerFor(ImageFormat format) {
        ImageReader reader = findReader(format);
        if (reader == null) {
            // ImageIO registers plugins found by the class loader it first ran under (a server's or Spark's may
            // differ): scan again, once, under this thread's.
            ImageIO.scanForPlugins();
            reader = findReader(format);
        }
        if (reader == null) {
            throw new IllegalStateException("no ImageIO reader for " + format + " on the class path"
                    + (format == ImageFormat.JPEG ? " (vgg4j needs com.twelvemonkeys.imageio:imageio-jpeg)" : ""));
        }
        return reader;
    }

    /** The preferred reader for {@code format}, else (not for JPEG) another one; null if there is none. */
    private static ImageReader findReader(ImageFormat format) {
        String wanted = format == ImageFormat.JPEG ? "com.twelvemonkeys." : "com.sun.imageio.";
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.imageIoName());
        ImageReader fallback = null;
        while (readers.hasNext()) {
            ImageReader r = readers.next();
            if (r.getClass().getName().startsWith(wanted)) {
                if (fallback != null) {
                    fallback.dispose();
                }
                return r;
            }
            if (fallback == null) {
                fallback = r;
            } else {
                r.dispose();
            }
        }
        if (fallback != null && format == ImageFormat.JPEG) {
            fallback.dispose();
            return null;
        }
        return fallback;
    }

    /** Runs one call into an ImageIO reader; whatever it throws on bad data becomes a CORRUPT decode error. */
    @FunctionalInterface
    private interface ReaderCall<T> {
        T call() throws IOException;
    }

    private static <T> T call(String name, ImageFormat format, ReaderCall<T> call) {
        try {
            return call.call();
        } catch (IOException | RuntimeException e) {
            throw corrupt(name, format, e);
        }
    }

    private static ImageDecodeException corrupt(String name, ImageFormat format, Exception e) {
        return new ImageDecodeException(name, Reason.CORRUPT, "image " + name + ": corrupt or truncated " + format
                + " data (" + detail(e) + ")", e);
    }

    private static ImageDecodeException unsupported(String name, ImageFormat format, String what) {
        return new ImageDecodeException(name, Reason.UNSUPPORTED, "image " + name + ": unsupported " + format + ": "
                + what);
    }

    /**
     * The messages of {@code e} and its causes on one line without repeats, e.g. "Error reading PNG image data:
     * invalid stored block lengths"; no exception class names (the exception stays attached as the cause).
     */
    static String detail(Throwable e) {
        StringBuilder sb = new StringBuilder();
        String last = null;
        for (Throwable t = e; t != null && sb.length() < MAX_DETAIL; t = t.getCause()) {
            String m = t.getMessage() == null || t.getMessage().isBlank() ? null : t.getMessage();
            String part;
            if (m != null && m.chars().anyMatch(Character::isLetter)) {
                part = m;
            } else if (t instanceof EOFException) {
                part = "unexpected end of file";
            } else {
                continue; // a bare "-5" or nothing: the rest of the chain says more
            }
            if (last == null || !last.contains(part)) {
                sb.append(sb.length() == 0 ? "" : ": ").append(part);
                last = part;
            }
        }
        String line = sb.length() == 0 ? "malformed data" : sb.toString().replaceAll("\\s+", " ").strip();
        return line.length() > MAX_DETAIL ? line.substring(0, MAX_DETAIL) + "..." : line;
    }

    // ---------------------------------------------------------------- header and limit

    private static ImageHeader header(ImageReader reader, ImageFormat format, String name) {
        int width = call(name, format, () -> reader.getWidth(0));
        int height = call(name, format, () -> reader.getHeight(0));
        if (width <= 0 || height <= 0) {
            throw new ImageDecodeException(name, Reason.CORRUPT, "image " + name + ": corrupt " + format
                    + " header (size " + width + " x " + height + ")");
        }
        if (format == ImageFormat.GIF) {
            GifFrame frame = gifFrame(reader, name);
            return new ImageHeader(format, frame.canvasWidth(), frame.canvasHeight());
        }
        return new ImageHeader(format, width, height);
    }

    private ImageHeader checkedHeader(ImageReader reader, ImageFormat format, String name) {
        ImageHeader header = header(reader, format, name);
        checkLimit(header, name);
        return header;
    }

    private void checkLimit(ImageHeader header, String name) {
        if (header.pixels() > maxPixels) {
            throw new ImageDecodeException(name, Reason.TOO_LARGE, String.format(Locale.ROOT,
                    "image %s declares %d x %d = %,d pixels, over the limit of %,d pixels%s%s", name, header.width(),
                    header.height(), header.pixels(), maxPixels,
                    maxPixels == DEFAULT_MAX_PIXELS ? " (64 megapixels)" : "",
                    limitHint.isEmpty() ? "" : "; " + limitHint));
        }
    }

    // ---------------------------------------------------------------- decoding

    private DecodedImage decode(ImageReader reader, ImageFormat format, int paletteEntries, String name,
            PixelFormat pixels) {
        ImageHeader header = checkedHeader(reader, format, name);
        byte[] samples = switch (format) {
            case JPEG -> jpeg(reader, name, pixels);
            case GIF -> gif(reader, name, pixels);
            case PNG, BMP -> {
                BufferedImage image = call(name, format, () -> reader.read(0));
                byte[] s = Samples.of(image, paletteEntries, pixels);
                if (s == null) {
                    throw unsupported(name, format, image.getColorModel().getNumColorComponents()
                            + " colour components");
                }
                yield s;
            }
        };
        return new DecodedImage(format, header.width(), header.height(), pixels, samples);
    }

    private static byte[] jpeg(ImageReader reader, String name, PixelFormat pixels) {
        ImageFormat format = ImageFormat.JPEG;
        IIOMetadata metadata = call(name, format, () -> reader.getImageMetadata(0));
        Node tree = call(name, format, () -> metadata.getAsTree("javax_imageio_jpeg_image_1.0"));
        Element sof = first(tree, "sof");
        if (sof == null) {
            throw new ImageDecodeException(name, Reason.CORRUPT, "image " + name
                    + ": corrupt JPEG data (no start-of-frame marker)");
        }
        int precision = intAttribute(sof, "samplePrecision", 8);
        if (precision != 8) {
            throw unsupported(name, format, precision + "-bit samples (PIL reads 8-bit JPEGs only)");
        }
        int components = 0;
        int[] ids = new int[4];
        for (Node c = sof.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (c instanceof Element e && e.getNodeName().equals("componentSpec")) {
                if (components < ids.length) {
                    ids[components] = intAttribute(e, "componentId", 0);
                }
                components++;
            }
        }
        Element adobe = first(tree, "app14Adobe");
        JpegColour colour = JpegColour.guess(components, first(tree, "app0JFIF") != null,
                adobe == null ? -1 : intAttribute(adobe, "transform", 0), ids);
        if (colour == null) {
            throw unsupported(name, format, components + " colour components");
        }
        Raster raster = call(name, format, () -> reader.readRaster(0, null));
        if (raster.getDataBuffer().getDataType() != DataBuffer.TYPE_BYTE || raster.getNumBands() != components) {
            throw unsupported(name, format, raster.getNumBands() + " bands of " + raster.getSampleModel().getSampleSize(0)
                    + "-bit samples");
        }
        return Samples.ofJpeg(raster, colour, pixels);
    }

    private static byte[] gif(ImageReader reader, String name, PixelFormat pixels) {
        GifFrame frame = gifFrame(reader, name);
        BufferedImage image = call(name, ImageFormat.GIF, () -> reader.read(0));
        if (!(image.getColorModel() instanceof IndexColorModel icm)) {
            throw unsupported(name, ImageFormat.GIF, "a frame without a palette");
        }
        return frame.draw(image.getRaster(), Samples.palette(icm, frame.paletteEntries()), pixels);
    }

    private static GifFrame gifFrame(ImageReader reader, String name) {
        ImageFormat format = ImageFormat.GIF;
        IIOMetadata stream = call(name, format, reader::getStreamMetadata);
        IIOMetadata image = call(name, format, () -> reader.getImageMetadata(0));
        if (stream == null || image == null) {
            throw new ImageDecodeException(name, Reason.CORRUPT, "image " + name + ": corrupt GIF header");
        }
        return GifFrame.of(call(name, format, () -> stream.getAsTree("javax_imageio_gif_stream_1.0")),
                call(name, format, () -> image.getAsTree("javax_imageio_gif_image_1.0")));
    }

    static Element first(Node node, String name) {
        if (node instanceof Element e && e.getNodeName().equals(name)) {
            return e;
        }
        for (Node c = node.getFirstChild(); c != null; c = c.getNextSibling()) {
            Element found = first(c, name);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    static int intAttribute(Element e, String attribute, int otherwise) {
        String v = e.getAttribute(attribute);
        if (v == null || v.isEmpty()) {
            return otherwise;
        }
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException ex) {
            return otherwise;
        }
    }
}
