package org.vgg4j.core.train;

import org.vgg4j.core.Tensor;

/**
 * A batch of images {@code [N, C, H, W]} with one class label per image.
 *
 * @param images the images, pixels as the network expects them (e.g. scaled to [0, 1])
 * @param labels one label per image
 */
public record Batch(Tensor images, int[] labels) {

    /**
     * Checks that there is one label per image.
     *
     * @param images the images, shape {@code [N, C, H, W]}
     * @param labels N class indices (not copied: the caller must not change them)
     * @throws IllegalArgumentException if the label count differs from the images' first dimension
     */
    public Batch {
        if (labels.length != images.shape().dim(0)) {
            throw new IllegalArgumentException(images.shape().dim(0) + " images but " + labels.length + " labels");
        }
    }

    /**
     * Number of images in the batch.
     *
     * @return N, the length of {@link #labels}
     */
    public int size() {
        return labels.length;
    }
}
