package org.vgg4j.spark;

import java.io.Serializable;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;

/**
 * One worker's share of a training set: {@code n} images of one sample shape, flat and row-major, with their labels.
 * A data-parallel run keeps one shard per partition of its RDD, cached on the executors.
 *
 * <p>Serializable only so that Spark can ship it to executors running the same build; its serialized form is
 * not a stable format, so it is left out of the serialized-form documentation.
 *
 * @param channels channels of every image
 * @param height   height
 * @param width    width
 * @param pixels   {@code n x channels x height x width} values, already scaled like the training data
 * @param labels   {@code n} class indices
 * @serial exclude
 */
public record TrainingShard(int channels, int height, int width, float[] pixels, int[] labels) implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * Checks that the shape is positive and that {@code pixels} holds one sample per label (the arrays are not copied).
     *
     * @param channels channels of every image, at least 1
     * @param height   height, at least 1
     * @param width    width, at least 1
     * @param pixels   {@code labels.length x channels x height x width} values
     * @param labels   class indices, one per image
     * @throws IllegalArgumentException if a dimension is not positive or the lengths disagree
     */
    public TrainingShard {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("sample shape must be positive, got " + channels + "x" + height + "x"
                    + width);
        }
        if ((long) labels.length * channels * height * width != pixels.length) {
            throw new IllegalArgumentException(labels.length + " labels need " + (long) labels.length * channels
                    * height * width + " pixel values, got " + pixels.length);
        }
    }

    /**
     * Number of images.
     *
     * @return {@code labels().length}
     */
    public int size() {
        return labels.length;
    }

    /** The images at {@code indices} as one batch {@code [indices.length, C, H, W]}. */
    Tensor images(int[] indices) {
        int sample = channels * height * width;
        float[] out = new float[indices.length * sample];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(pixels, indices[i] * sample, out, i * sample, sample);
        }
        return Tensor.wrap(Shape.of(indices.length, channels, height, width), out);
    }

    /** The labels at {@code indices}. */
    int[] labels(int[] indices) {
        int[] out = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            out[i] = labels[indices[i]];
        }
        return out;
    }
}
