package org.vgg4j.datasets.transform;

/**
 * A rectangle of an image, torchvision's {@code (i, j, h, w)} crop parameters.
 *
 * @param top    first row, at least 0
 * @param left   first column, at least 0
 * @param height rows, at least 1
 * @param width  columns, at least 1
 */
public record CropBox(int top, int left, int height, int width) {

    /**
     * Checks the box.
     *
     * @param top    first row, at least 0
     * @param left   first column, at least 0
     * @param height rows, at least 1
     * @param width  columns, at least 1
     * @throws IllegalArgumentException if a corner is negative or a side below 1
     */
    public CropBox {
        if (top < 0 || left < 0 || height < 1 || width < 1) {
            throw new IllegalArgumentException("crop box needs top, left >= 0 and height, width >= 1, got (" + top
                    + ", " + left + ", " + height + ", " + width + ")");
        }
    }
}
