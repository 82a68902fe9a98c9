package org.vgg4j.datasets.transform;

import java.util.SplittableRandom;

/**
 * torchvision's {@code RandomCrop(size, padding)} with its defaults ({@code fill=0}, {@code padding_mode='constant'},
 * no {@code pad_if_needed}): pads each side with {@code padding} zeros, then cuts a {@code size x size} window whose
 * top row and left column are drawn uniformly, top first, from every position that fits. Zero padding is zero after
 * {@code ToTensor}, so the crop is applied to [0, 1] floats with the same result.
 *
 * @param size    side of the square output, at least 1
 * @param padding zeros added on each of the four sides before cropping, at least 0
 */
public record RandomCrop(int size, int padding) implements Transform {

    /**
     * Checks the sizes.
     *
     * @param size    side of the square output, at least 1
     * @param padding zeros added on each side, at least 0
     * @throws IllegalArgumentException if {@code size < 1} or {@code padding < 0}
     */
    public RandomCrop {
        if (size < 1) {
            throw new IllegalArgumentException("crop size must be positive, got " + size);
        }
        if (padding < 0) {
            throw new IllegalArgumentException("crop padding must be >= 0, got " + padding);
        }
    }

    /**
     * Draws the window (two draws: {@code top} in {@code [0, height + 2 padding - size]}, then {@code left}; none
     * when the padded image is already {@code size x size}, as torchvision) and crops.
     *
     * @param image  the input; not changed
     * @param random the sample's random stream
     * @return a new {@code size x size} image with the input's channels
     * @throws IllegalArgumentException if the padded image is smaller than {@code size}
     */
    @Override
    public Image apply(Image image, SplittableRandom random) {
        int h = image.height() + 2 * padding;
        int w = image.width() + 2 * padding;
        if (h < size || w < size) {
            throw new IllegalArgumentException("cannot crop " + size + "x" + size + " from a " + image.height() + "x"
                    + image.width() + " image padded by " + padding);
        }
        if (h == size && w == size) {
            return cropAt(image, 0, 0); // torchvision draws nothing then
        }
        int top = random.nextInt(h - size + 1);
        int left = random.nextInt(w - size + 1);
        return cropAt(image, top, left);
    }

    /**
     * The window at ({@code top}, {@code left}) of the padded image: torchvision's
     * {@code F.crop(F.pad(img, padding), top, left, size, size)}.
     *
     * @param image the input; not changed
     * @param top   the window's first row in padded coordinates, in {@code [0, height + 2 padding - size]}
     * @param left  the window's first column in padded coordinates, in {@code [0, width + 2 padding - size]}
     * @return a new {@code size x size} image, zero where the window covers padding
     * @throws IllegalArgumentException if the window does not fit the padded image
     */
    public Image cropAt(Image image, int top, int left) {
        int inH = image.height();
        int inW = image.width();
        if (top < 0 || left < 0 || top + size > inH + 2 * padding || left + size > inW + 2 * padding) {
            throw new IllegalArgumentException("window " + size + "x" + size + " at (" + top + ", " + left
                    + ") does not fit a " + inH + "x" + inW + " image padded by " + padding);
        }
        int c = image.channels();
        float[] in = image.values();
        float[] out = new float[c * size * size];
        int y0 = top - padding;
        int x0 = left - padding;
        int xFrom = Math.max(0, -x0);
        int xTo = Math.min(size, inW - x0);
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < size; y++) {
                int sy = y0 + y;
                if (sy < 0 || sy >= inH || xFrom >= xTo) {
                    continue;
                }
                System.arraycopy(in, (ch * inH + sy) * inW + x0 + xFrom, out, (ch * size + y) * size + xFrom,
                        xTo - xFrom);
            }
        }
        return new Image(c, size, size, out);
    }
}
