package org.vgg4j.datasets.transform;

import java.util.SplittableRandom;

/**
 * One step of an {@link Augmentation}: a function of an image and the sample's random stream, which it draws its
 * choices from (a fixed number of draws per call, except {@link RandomResizedCrop}'s retries) and which is its only
 * source of randomness; the input image is never changed. Implementations are immutable records.
 */
public sealed interface Transform permits RandomCrop, RandomResizedCrop, RandomHorizontalFlip, Normalize {

    /**
     * Applies the transform to one image.
     *
     * @param image  the input; not changed
     * @param random the sample's random stream (see {@link SampleRandom}); deterministic transforms ignore it
     * @return the transformed image (possibly {@code image} itself when nothing changes)
     * @throws IllegalArgumentException if the image does not fit the transform (too small to crop, other channels)
     */
    Image apply(Image image, SplittableRandom random);
}
