package org.vgg4j.datasets.image;

import java.util.Objects;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.datasets.ResizeMode;
import org.vgg4j.datasets.Resizer;

/**
 * An image as 8-bit samples, row-major, channels interleaved ({@code samples[(y * width + x) * channels + c]}): what
 * {@link ImageDecoder} returns, and what the resize and tensor steps that every caller shares take. Immutable: every
 * operation returns a new image, and {@link #samples()} returns a copy.
 *
 * <p>The pipeline that {@code vgg4j predict}, data sets and servers share is
 * {@code decoder.decode(file, pixels)} [{@code .inverted()}] {@code .resized(size, size).toTensor()}: exactly
 * PIL's {@code Image.open(f).convert(mode)}, [{@code ImageOps.invert}], torchvision's {@code Resize((size, size))}
 * (PIL bilinear, 8-bit) and {@code ToTensor()}.
 */
public final class DecodedImage {
    private final ImageFormat format;
    private final int width;
    private final int height;
    private final PixelFormat pixels;
    private final byte[] samples;

    /**
     * An image over {@code samples} (not copied: the caller hands it over).
     *
     * @param format  the format the image was decoded from; not null
     * @param width   width in pixels, at least 1
     * @param height  height in pixels, at least 1
     * @param pixels  grey or RGB; not null
     * @param samples {@code width * height * pixels.channels()} samples, row-major, channels interleaved
     * @throws IllegalArgumentException if the sizes are not positive or {@code samples} has the wrong length
     */
    public DecodedImage(ImageFormat format, int width, int height, PixelFormat pixels, byte[] samples) {
        this.format = Objects.requireNonNull(format, "format");
        this.pixels = Objects.requireNonNull(pixels, "pixels");
        if (width <= 0 || height <= 0 || (long) width * height * pixels.channels() != samples.length) {
            throw new IllegalArgumentException("a " + width + "x" + height + " " + pixels + " image needs "
                    + (long) width * height * pixels.channels() + " samples, got " + samples.length);
        }
        this.width = width;
        this.height = height;
        this.samples = samples;
    }

    /**
     * The format the image was decoded from.
     *
     * @return the source file's format, kept through inversion and resizing
     */
    public ImageFormat format() {
        return format;
    }

    /**
     * The width.
     *
     * @return the width in pixels, at least 1
     */
    public int width() {
        return width;
    }

    /**
     * The height.
     *
     * @return the height in pixels, at least 1
     */
    public int height() {
        return height;
    }

    /**
     * Grey (1 sample per pixel) or RGB (3).
     *
     * @return the pixel format of the samples
     */
    public PixelFormat pixels() {
        return pixels;
    }

    /**
     * Sample {@code channel} of pixel {@code (x, y)}, 0..255.
     *
     * @param x       column, from 0 to {@code width() - 1}
     * @param y       row, from 0 to {@code height() - 1}
     * @param channel 0 for grey; 0, 1, 2 for R, G, B
     * @return the unsigned sample, 0 to 255
     * @throws IndexOutOfBoundsException if an index is out of range
     */
    public int sample(int x, int y, int channel) {
        Objects.checkIndex(x, width);
        Objects.checkIndex(y, height);
        Objects.checkIndex(channel, pixels.channels());
        return samples[(y * width + x) * pixels.channels() + channel] & 0xFF;
    }

    /**
     * A copy of all samples, row-major, channels interleaved.
     *
     * @return a new array of {@code width * height * channels} bytes (read with {@code & 0xFF})
     */
    public byte[] samples() {
        return samples.clone();
    }

    /**
     * The photographic negative, {@code 255 - v} per sample (PIL's {@code ImageOps.invert}).
     *
     * @return a new image of the same size and pixel format
     */
    public DecodedImage inverted() {
        byte[] out = new byte[samples.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) (255 - (samples[i] & 0xFF));
        }
        return new DecodedImage(format, width, height, pixels, out);
    }

    /**
     * Resized to {@code outHeight x outWidth} with PIL's bilinear filter in its 8-bit arithmetic ({@link Resizer},
     * {@link ResizeMode#PIL}), each channel separately as PIL does; the same size returns this image.
     *
     * @param outHeight the new height in pixels, at least 1
     * @param outWidth  the new width in pixels, at least 1
     * @return the resized image, or this image when the size is unchanged
     */
    public DecodedImage resized(int outHeight, int outWidth) {
        if (outHeight == height && outWidth == width) {
            return this;
        }
        Resizer resizer = new Resizer(height, width, outHeight, outWidth, ResizeMode.PIL);
        int c = pixels.channels();
        if (c == 1) {
            byte[] out = new byte[outHeight * outWidth];
            resizer.resizeBytes(samples, 0, out, 0);
            return new DecodedImage(format, outWidth, outHeight, pixels, out);
        }
        byte[] plane = new byte[width * height];
        byte[] planeOut = new byte[outHeight * outWidth];
        byte[] out = new byte[outHeight * outWidth * c];
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < plane.length; i++) {
                plane[i] = samples[i * c + ch];
            }
            resizer.resizeBytes(plane, 0, planeOut, 0);
            for (int i = 0; i < planeOut.length; i++) {
                out[i * c + ch] = planeOut[i];
            }
        }
        return new DecodedImage(format, outWidth, outHeight, pixels, out);
    }

    /**
     * A {@code [1, channels, height, width]} tensor of {@code v / 255f} (torchvision's {@code ToTensor}: channels
     * first, the same floats the data loaders produce).
     *
     * @return a new float32 tensor with values in [0, 1]
     */
    public Tensor toTensor() {
        int c = pixels.channels();
        int plane = width * height;
        float[] out = new float[plane * c];
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < plane; i++) {
                out[ch * plane + i] = (samples[i * c + ch] & 0xFF) / 255f;
            }
        }
        return Tensor.wrap(Shape.of(1, c, height, width), out);
    }
}
