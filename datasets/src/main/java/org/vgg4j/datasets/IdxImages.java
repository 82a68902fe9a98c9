package org.vgg4j.datasets;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The content of an IDX image file (magic 2051): {@code count} greyscale images of {@code rows x cols} unsigned bytes,
 * stored image after image, row-major. The pixel array is shared, not copied: treat it as read-only.
 *
 * @param source the file it was read from (for error messages), or null for data made in memory
 * @param count  number of images
 * @param rows   image height
 * @param cols   image width
 * @param pixels {@code count * rows * cols} pixel values, 0 (background) to 255
 */
public record IdxImages(Path source, int count, int rows, int cols, byte[] pixels) {

    /**
     * Checks the dimensions against the pixel array (which is not copied).
     *
     * @param source the file it was read from, or null for data made in memory
     * @param count  number of images, at least 0
     * @param rows   image height, at least 1
     * @param cols   image width, at least 1
     * @param pixels exactly {@code count * rows * cols} bytes; not null
     * @throws IllegalArgumentException if a dimension is out of range or the array has another length
     * @throws NullPointerException     if {@code pixels} is null
     */
    public IdxImages {
        Objects.requireNonNull(pixels, "pixels");
        if (count < 0 || rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("bad image dimensions: " + count + " x " + rows + " x " + cols);
        }
        // Exact: a wrapped-around product must not match a short pixel array.
        java.math.BigInteger need = java.math.BigInteger.valueOf(count).multiply(java.math.BigInteger.valueOf(rows))
                .multiply(java.math.BigInteger.valueOf(cols));
        if (!need.equals(java.math.BigInteger.valueOf(pixels.length)) || (long) rows * cols > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(count + " images of " + rows + "x" + cols + " need " + need
                    + " bytes, got " + pixels.length);
        }
    }

    /**
     * Bytes per image: {@code rows * cols}.
     *
     * @return the number of pixels of one image, at least 1
     */
    public int imageBytes() {
        return rows * cols;
    }
}
