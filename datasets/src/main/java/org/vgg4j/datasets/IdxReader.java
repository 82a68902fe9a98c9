package org.vgg4j.datasets;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files (the MNIST / Fashion-MNIST format), gzip-compressed or raw (told apart by the gzip magic bytes, not
 * the file name), optionally checking the SHA-256 of the decompressed bytes; every problem is reported as a
 * {@link DataFormatException} or {@link ChecksumMismatchException} that names the file.
 *
 * <p>Format: a big-endian int magic {@code 0x0000 08 nd} (type 0x08 = unsigned byte, nd = number of dimensions),
 * then nd big-endian int dimensions, then the data. Images are {@code 2051} (3 dims: count, rows, cols), labels
 * {@code 2049} (1 dim: count).
 */
public final class IdxReader {
    /** Magic number of an IDX file of unsigned-byte images (3 dimensions). */
    public static final int IMAGES_MAGIC = 2051;
    /** Magic number of an IDX file of unsigned-byte labels (1 dimension). */
    public static final int LABELS_MAGIC = 2049;

    /** The most data bytes one file may announce (the largest Java array). */
    static final int MAX_BYTES = Integer.MAX_VALUE - 16;

    /** Hint appended to checksum errors. */
    static final String CHECKSUM_HINT = "The file is corrupt, incomplete or from another data set: delete it and fetch"
            + " it again. If it is a custom data set in the same format, turn checksum verification off"
            + " (vgg4j: --no-verify).";

    private IdxReader() {
    }

    /**
     * Reads an image file.
     *
     * @param file           the IDX file, gzip or raw
     * @param expectedSha256 SHA-256 of the decompressed content, or null to skip verification
     * @return the images, their {@link IdxImages#source()} being {@code file}
     * @throws DataFormatException       if the file is missing, unreadable, not an IDX image file or truncated
     * @throws ChecksumMismatchException if its decompressed content does not have {@code expectedSha256}
     */
    public static IdxImages readImages(Path file, String expectedSha256) {
        try (InputStream raw = open(file)) {
            MessageDigest md = Checksums.sha256();
            DataInputStream in = new DataInputStream(new DigestInputStream(raw, md));
            int magic = readHeaderInt(in, file, "magic number");
            checkMagic(file, magic, IMAGES_MAGIC);
            int count = readHeaderInt(in, file, "image count");
            int rows = readHeaderInt(in, file, "row count");
            int cols = readHeaderInt(in, file, "column count");
            if (count < 0 || rows <= 0 || cols <= 0) {
                throw new DataFormatException(file + ": invalid IDX image header (count " + count + ", rows " + rows
                        + ", cols " + cols + "); the file is corrupt: delete it and fetch it again");
            }
            // In BigInteger: count * rows * cols can pass 2^64 and wrap around to a small long (even to 0).
            BigInteger size = BigInteger.valueOf(count).multiply(BigInteger.valueOf(rows))
                    .multiply(BigInteger.valueOf(cols));
            BigInteger limit = BigInteger.valueOf(MAX_BYTES);
            if (size.compareTo(limit) > 0 || BigInteger.valueOf(rows).multiply(BigInteger.valueOf(cols))
                    .compareTo(limit) > 0) {
                throw new DataFormatException(file + ": IDX header announces " + count + " images of " + rows + "x"
                        + cols + " (" + size + " bytes), more than this reader supports (" + MAX_BYTES
                        + " bytes); the file is corrupt or not an image file of this kind");
            }
            byte[] pixels = readBody(in, file, size.intValueExact(), count + " images of " + rows + "x" + cols);
            verify(file, md, expectedSha256);
            return new IdxImages(file, count, rows, cols, pixels);
        } catch (IOException e) {
            throw ioError(file, e);
        }
    }

    /**
     * Reads a label file.
     *
     * @param file           the IDX file, gzip or raw
     * @param expectedSha256 SHA-256 of the decompressed content, or null to skip verification
     * @return the labels, their {@link IdxLabels#source()} being {@code file}
     * @throws DataFormatException       if the file is missing, unreadable, not an IDX label file or truncated
     * @throws ChecksumMismatchException if its decompressed content does not have {@code expectedSha256}
     */
    public static IdxLabels readLabels(Path file, String expectedSha256) {
        try (InputStream raw = open(file)) {
            MessageDigest md = Checksums.sha256();
            DataInputStream in = new DataInputStream(new DigestInputStream(raw, md));
            int magic = readHeaderInt(in, file, "magic number");
            checkMagic(file, magic, LABELS_MAGIC);
            int count = readHeaderInt(in, file, "label count");
            if (count < 0) {
                throw new DataFormatException(file + ": invalid IDX label header (count " + count
                        + "); the file is corrupt: delete it and fetch it again");
            }
            byte[] labels = readBody(in, file, count, count + " labels");
            verify(file, md, expectedSha256);
            return new IdxLabels(file, labels);
        } catch (IOException e) {
            throw ioError(file, e);
        }
    }

    /**
     * Opens a file for reading its IDX content: through a gzip decoder when the file starts with the gzip magic
     * bytes {@code 1f 8b}, as is otherwise.
     *
     * @param file the file to open, gzip or raw
     * @return a buffered stream of the decompressed content; the caller closes it
     * @throws IOException if the file cannot be opened or read
     */
    public static InputStream open(Path file) throws IOException {
        BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        try {
            in.mark(2);
            int b0 = in.read();
            int b1 = in.read();
            in.reset();
            if (b0 == 0x1f && b1 == 0x8b) {
                return new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
            }
            return in;
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    private static int readHeaderInt(DataInputStream in, Path file, String what) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw new DataFormatException(file + " is truncated: it ends inside the IDX header (reading the " + what
                    + "); delete it and fetch it again", e);
        }
    }

    private static void checkMagic(Path file, int magic, int expected) {
        if (magic == expected) {
            return;
        }
        String found;
        if (magic == IMAGES_MAGIC) {
            found = "an IDX image file (magic 2051)";
        } else if (magic == LABELS_MAGIC) {
            found = "an IDX label file (magic 2049)";
        } else if ((magic & 0xFFFF0000) == 0) {
            found = String.format("an IDX file of another type (magic 0x%08x: type 0x%02x, %d dimensions)", magic,
                    (magic >>> 8) & 0xFF, magic & 0xFF);
        } else {
            found = String.format("not an IDX file at all (first bytes %02x %02x %02x %02x)", magic >>> 24,
                    (magic >>> 16) & 0xFF, (magic >>> 8) & 0xFF, magic & 0xFF);
        }
        String want = expected == IMAGES_MAGIC ? "an IDX image file (magic 2051: unsigned bytes, 3 dimensions)"
                : "an IDX label file (magic 2049: unsigned bytes, 1 dimension)";
        throw new DataFormatException("wrong magic number in " + file + ": expected " + want + ", found " + found
                + ". Check that the file is the right one (images vs labels) and not damaged.");
    }

    private static byte[] readBody(DataInputStream in, Path file, int size, String what) throws IOException {
        byte[] data;
        try {
            data = in.readNBytes(size);
        } catch (EOFException e) {
            throw truncated(file, what, size, -1, e);
        }
        if (data.length < size) {
            throw truncated(file, what, size, data.length, null);
        }
        long extra = 0;
        byte[] skip = new byte[8192];
        int n;
        try {
            while ((n = in.read(skip)) > 0) {
                extra += n;
            }
        } catch (EOFException e) {
            extra = Math.max(extra, 1);
        }
        if (extra > 0) {
            throw new DataFormatException(file + ": " + extra + " bytes follow the " + what
                    + " its header announces; the file is damaged or not an IDX file of this kind");
        }
        return data;
    }

    private static DataFormatException truncated(Path file, String what, int expected, int found, Throwable cause) {
        return new DataFormatException(file + " is truncated: its header announces " + what + " (" + expected
                + " bytes of data) but " + (found < 0 ? "the compressed stream ends early" : "only " + found
                + " bytes follow") + ". The file is incomplete: delete it and fetch it again.", cause);
    }

    private static void verify(Path file, MessageDigest md, String expectedSha256) {
        if (expectedSha256 == null) {
            return;
        }
        String actual = Checksums.hex(md.digest());
        if (!Checksums.same(actual, expectedSha256)) {
            throw new ChecksumMismatchException("checksum mismatch for " + file + ": the SHA-256 of its decompressed"
                    + " content is " + actual + ", expected " + expectedSha256.toLowerCase(java.util.Locale.ROOT)
                    + ". " + CHECKSUM_HINT, expectedSha256, actual);
        }
    }

    private static RuntimeException ioError(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new DataFormatException("data file " + file + " does not exist", e);
        }
        if (e instanceof EOFException) {
            return new DataFormatException(file + " is truncated: the compressed stream ends early ("
                    + e.getMessage() + "). The file is incomplete: delete it and fetch it again.", e);
        }
        if (e instanceof ZipException) {
            return new DataFormatException(file + " is not valid gzip data (" + e.getMessage()
                    + "). The file is damaged: delete it and fetch it again.", e);
        }
        return new DataFormatException("cannot read " + file + ": " + e, e);
    }
}
