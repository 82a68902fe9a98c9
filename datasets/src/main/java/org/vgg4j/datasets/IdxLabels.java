package org.vgg4j.datasets;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The content of an IDX label file (magic 2049): one unsigned byte class label per image. The array is shared, not
 * copied: treat it as read-only.
 *
 * @param source the file it was read from (for error messages), or null for data made in memory
 * @param labels the labels, each an unsigned byte (read with {@code Byte.toUnsignedInt})
 */
public record IdxLabels(Path source, byte[] labels) {

    /**
     * Checks that there is a label array (which is not copied).
     *
     * @param source the file it was read from, or null for data made in memory
     * @param labels the labels, one unsigned byte each; not null
     * @throws NullPointerException if {@code labels} is null
     */
    public IdxLabels {
        Objects.requireNonNull(labels, "labels");
    }

    /**
     * Number of labels.
     *
     * @return {@code labels().length}
     */
    public int count() {
        return labels.length;
    }

    /**
     * Label {@code i} as a non-negative int.
     *
     * @param i the image index, from 0 to {@code count() - 1}
     * @return the class label, 0 to 255
     * @throws ArrayIndexOutOfBoundsException if {@code i} is out of range
     */
    public int label(int i) {
        return Byte.toUnsignedInt(labels[i]);
    }
}
