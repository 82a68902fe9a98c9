package org.vgg4j.datasets.transform;

import java.util.SplittableRandom;

/**
 * torchvision's {@code RandomHorizontalFlip(p)}: mirrors the image left to right with probability {@code p} (one
 * draw: flip when a uniform double in [0, 1) is below {@code p}).
 *
 * @param p the probability of a flip, in [0, 1]
 */
public record RandomHorizontalFlip(double p) implements Transform {

    /**
     * Checks the probability.
     *
     * @param p the probability of a flip, in [0, 1]
     * @throws IllegalArgumentException if {@code p} is outside [0, 1] or NaN
     */
    public RandomHorizontalFlip {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("flip probability must be in [0, 1], got " + p);
        }
    }

    /**
     * torchvision's default, {@code p = 0.5}.
     *
     * @return a flip that happens half of the time
     */
    public static RandomHorizontalFlip half() {
        return new RandomHorizontalFlip(0.5);
    }

    @Override
    public Image apply(Image image, SplittableRandom random) {
        return random.nextDouble() < p ? flip(image) : image;
    }

    /**
     * The mirror image: torchvision's {@code F.hflip}.
     *
     * @param image the input; not changed
     * @return a new image whose column {@code x} is the input's column {@code width - 1 - x}
     */
    public static Image flip(Image image) {
        int w = image.width();
        int rows = image.channels() * image.height();
        float[] in = image.values();
        float[] out = new float[in.length];
        for (int r = 0; r < rows; r++) {
            int base = r * w;
            for (int x = 0; x < w; x++) {
                out[base + x] = in[base + w - 1 - x];
            }
        }
        return new Image(image.channels(), image.height(), w, out);
    }
}
