package org.vgg4j.datasets.transform;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.vgg4j.core.config.DataConfig;

/**
 * The transforms applied, in order, to each training image, each drawing from the sample's {@link SampleRandom}
 * stream; the empty list is no augmentation. When the first transform is a {@link RandomResizedCrop}, a loader gives
 * it the stored image at its own size (it replaces the resize); otherwise the image resized to the training size.
 *
 * @param transforms the steps, in order (copied)
 */
public record Augmentation(List<Transform> transforms) {

    /**
     * Copies the list.
     *
     * @param transforms the steps, in order; not null, no null element
     */
    public Augmentation {
        transforms = List.copyOf(transforms);
    }

    /**
     * No augmentation: every image as stored (resized).
     *
     * @return the empty pipeline
     */
    public static Augmentation none() {
        return new Augmentation(List.of());
    }

    /**
     * The pipeline a run configuration's {@code data.augment} names, for images of {@code imageSize}: {@code crop}
     * is {@link RandomCrop}{@code (imageSize, cropPadding)}, {@code resized-crop} {@link RandomResizedCrop#of}
     * {@code (imageSize)}, {@code flip} {@link RandomHorizontalFlip#half()}, in that order.
     *
     * @param data      the run's data configuration
     * @param imageSize the side of the training images, at least 1
     * @return the pipeline; {@link #none()} for {@code none}
     */
    public static Augmentation of(DataConfig data, int imageSize) {
        List<Transform> steps = new ArrayList<>();
        for (String step : data.augmentSteps()) {
            switch (step) {
                case DataConfig.AUGMENT_CROP -> steps.add(new RandomCrop(imageSize, data.cropPadding()));
                case DataConfig.AUGMENT_RESIZED_CROP -> steps.add(RandomResizedCrop.of(imageSize));
                case DataConfig.AUGMENT_FLIP -> steps.add(RandomHorizontalFlip.half());
                default -> throw new IllegalArgumentException("unknown augmentation step '" + step + "'");
            }
        }
        return new Augmentation(steps);
    }

    /**
     * Whether this pipeline changes nothing.
     *
     * @return true when there are no transforms
     */
    public boolean isNone() {
        return transforms.isEmpty();
    }

    /**
     * Whether the first step is a {@link RandomResizedCrop}, which takes the stored image instead of the resized one.
     *
     * @return true if the pipeline starts with a resized crop
     */
    public boolean cropsStoredImage() {
        return !transforms.isEmpty() && transforms.get(0) instanceof RandomResizedCrop;
    }

    /**
     * Checks that the pipeline gives {@code size x size} images from any input (every crop's size is {@code size}).
     *
     * @param size the side the loader serves
     * @throws IllegalArgumentException naming the transform whose output size differs
     */
    public void requireOutputSize(int size) {
        for (Transform t : transforms) {
            int out = t instanceof RandomCrop c ? c.size() : t instanceof RandomResizedCrop r ? r.size() : size;
            if (out != size) {
                throw new IllegalArgumentException(t + " makes " + out + "x" + out + " images, but the loader serves "
                        + size + "x" + size);
            }
        }
    }

    /**
     * Applies every transform in order to one sample's image.
     *
     * @param image  the input (see the class comment for which); not changed
     * @param random the sample's stream, from {@link SampleRandom#of}
     * @return the augmented image
     */
    public Image apply(Image image, SplittableRandom random) {
        Image out = image;
        for (Transform t : transforms) {
            out = t.apply(out, random);
        }
        return out;
    }

    /**
     * Applies the pipeline to sample {@code index} of epoch {@code epoch} of a run seeded with {@code seed}.
     *
     * @param image the input; not changed
     * @param seed  the run's seed
     * @param epoch the 0-based epoch
     * @param index the sample's index in its data set
     * @return the augmented image, a function of the four arguments only
     */
    public Image apply(Image image, long seed, int epoch, int index) {
        return isNone() ? image : apply(image, SampleRandom.of(seed, epoch, index));
    }
}
