package org.vgg4j.core.train;

import org.vgg4j.core.Tensor;

/**
 * A batch of images {@code [N, C, H, W]} with one class label per image.
 *
 * @param images the images, pixels as the network expects them (e.g. scaled to [0, 1])
 * @param labels one label per image
 */
public record Batch(Tensor images, int[] labels) {

    public Batch {
        if (labels.length != images.shape().dim(0)) {
            throw new IllegalArgumentException(images.shape().dim(0) + " images but " + labels.length + " labels");
        }
    }

    public int size() {
        return labels.length;
    }
}
