package org.vgg4j.datasets.transform;

import java.util.Objects;

/**
 * One image as the transforms see it: {@code channels x height x width} floats, channels first, row-major (the
 * layout of one image of a batch tensor; {@code v / 255} for an 8-bit image, as torchvision's {@code ToTensor}).
 *
 * @param channels number of channels, at least 1
 * @param height   rows, at least 1
 * @param width    columns, at least 1
 * @param values   {@code channels * height * width} values, not copied: a transform never changes its input's
 */
public record Image(int channels, int height, int width, float[] values) {

    /**
     * Checks the sizes against the values.
     *
     * @param channels number of channels, at least 1
     * @param height   rows, at least 1
     * @param width    columns, at least 1
     * @param values   exactly {@code channels * height * width} values; not null
     * @throws IllegalArgumentException if a size is below 1 or the number of values differs
     */
    public Image {
        Objects.requireNonNull(values, "values");
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("image sizes must be positive, got " + channels + "x" + height + "x"
                    + width);
        }
        if ((long) channels * height * width != values.length) {
            throw new IllegalArgumentException(channels + "x" + height + "x" + width + " image needs "
                    + (long) channels * height * width + " values, got " + values.length);
        }
    }

    /**
     * An 8-bit image scaled to [0, 1] as {@code ToTensor} does ({@code v / 255f}), from channel-first samples.
     *
     * @param channels number of channels, at least 1
     * @param height   rows, at least 1
     * @param width    columns, at least 1
     * @param samples  unsigned samples, channel planes one after the other
     * @param offset   index in {@code samples} of the first sample
     * @return a new image
     */
    public static Image ofPlanes(int channels, int height, int width, byte[] samples, int offset) {
        float[] v = new float[channels * height * width];
        for (int i = 0; i < v.length; i++) {
            v[i] = (samples[offset + i] & 0xFF) / 255f;
        }
        return new Image(channels, height, width, v);
    }

    /**
     * An 8-bit image scaled to [0, 1] from pixel-interleaved samples (row-major, channels together: a decoded
     * image's layout).
     *
     * @param channels number of channels, at least 1
     * @param height   rows, at least 1
     * @param width    columns, at least 1
     * @param samples  {@code height * width * channels} unsigned samples
     * @return a new channel-first image
     */
    public static Image ofInterleaved(int channels, int height, int width, byte[] samples) {
        int plane = height * width;
        float[] v = new float[channels * plane];
        for (int ch = 0; ch < channels; ch++) {
            for (int p = 0; p < plane; p++) {
                v[ch * plane + p] = (samples[p * channels + ch] & 0xFF) / 255f;
            }
        }
        return new Image(channels, height, width, v);
    }

    /**
     * Number of values in one channel.
     *
     * @return {@code height * width}
     */
    public int plane() {
        return height * width;
    }
}
