package org.vgg4j.datasets;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.vgg4j.core.io.AtomicWrite;

/**
 * Writes IDX image and label files, gzip-compressed or raw, atomically; used to make custom data sets in the
 * MNIST format and test data. Each method returns the SHA-256 of the decompressed content, the digest that
 * {@link IdxReader} verifies.
 */
public final class IdxWriter {
    private IdxWriter() {
    }

    /**
     * The raw (uncompressed) IDX bytes of an image file.
     *
     * @param count  number of images, at least 0
     * @param rows   image height, at least 1
     * @param cols   image width, at least 1
     * @param pixels {@code count * rows * cols} unsigned pixel values, image after image, row-major
     * @return the 16-byte header (magic 2051, count, rows, cols, big-endian) followed by {@code pixels}
     * @throws IllegalArgumentException if the dimensions do not match {@code pixels}
     */
    public static byte[] imageBytes(int count, int rows, int cols, byte[] pixels) {
        new IdxImages(null, count, rows, cols, pixels); // validates the dimensions
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + pixels.length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(IdxReader.IMAGES_MAGIC);
            out.writeInt(count);
            out.writeInt(rows);
            out.writeInt(cols);
            out.write(pixels);
        } catch (IOException e) {
            throw new IllegalStateException("in-memory stream", e);
        }
        return bytes.toByteArray();
    }

    /**
     * The raw (uncompressed) IDX bytes of a label file.
     *
     * @param labels one unsigned class label per image
     * @return the 8-byte header (magic 2049, count, big-endian) followed by {@code labels}
     */
    public static byte[] labelBytes(byte[] labels) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(8 + labels.length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(IdxReader.LABELS_MAGIC);
            out.writeInt(labels.length);
            out.write(labels);
        } catch (IOException e) {
            throw new IllegalStateException("in-memory stream", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Writes an image file; returns the SHA-256 of its uncompressed content.
     *
     * @param file   the file to write, replaced atomically
     * @param count  number of images, at least 0
     * @param rows   image height, at least 1
     * @param cols   image width, at least 1
     * @param pixels {@code count * rows * cols} unsigned pixel values
     * @param gzip   whether to gzip-compress the file
     * @return lowercase hex SHA-256 of the uncompressed IDX bytes
     */
    public static String writeImages(Path file, int count, int rows, int cols, byte[] pixels, boolean gzip) {
        return write(file, imageBytes(count, rows, cols, pixels), gzip);
    }

    /**
     * Writes a label file; returns the SHA-256 of its uncompressed content.
     *
     * @param file   the file to write, replaced atomically
     * @param labels one unsigned class label per image
     * @param gzip   whether to gzip-compress the file
     * @return lowercase hex SHA-256 of the uncompressed IDX bytes
     */
    public static String writeLabels(Path file, byte[] labels, boolean gzip) {
        return write(file, labelBytes(labels), gzip);
    }

    /**
     * Writes {@code content} to {@code file}, gzip-compressed or not, atomically; returns its SHA-256.
     *
     * @param file    the file to write; complete or not written at all
     * @param content the bytes to store (before compression)
     * @param gzip    whether to gzip-compress them
     * @return lowercase hex SHA-256 of {@code content}, not of the compressed file
     */
    public static String write(Path file, byte[] content, boolean gzip) {
        AtomicWrite.write(file, out -> {
            if (gzip) {
                GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16);
                gz.write(content);
                gz.finish();
            } else {
                out.write(content);
            }
        });
        return Checksums.sha256Hex(content);
    }

    /**
     * {@code content} gzip-compressed.
     *
     * @param content the bytes to compress
     * @return a complete gzip stream of {@code content}
     */
    public static byte[] gzip(byte[] content) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(content);
        } catch (IOException e) {
            throw new IllegalStateException("in-memory stream", e);
        }
        return bytes.toByteArray();
    }
}
