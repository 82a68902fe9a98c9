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

    public IdxLabels {
        Objects.requireNonNull(labels, "labels");
    }

    /** Number of labels. */
    public int count() {
        return labels.length;
    }

    /** Label {@code i} as a non-negative int. */
    public int label(int i) {
        return Byte.toUnsignedInt(labels[i]);
    }
}
