package org.vgg4j.datasets.transform;

import java.util.List;
import java.util.SplittableRandom;

/**
 * torchvision's {@code Normalize(mean, std)} on a float image: {@code (v - mean[c]) / std[c]} per channel, in float32
 * arithmetic with the statistics rounded to float32 first, as torchvision does for a float tensor. Deterministic: it
 * draws nothing.
 *
 * @param mean one mean per channel, or one for every channel
 * @param std  one standard deviation (non-zero) per channel, or one for every channel
 */
public record Normalize(List<Double> mean, List<Double> std) implements Transform {

    /**
     * Checks and copies the statistics.
     *
     * @param mean at least one finite mean; not null
     * @param std  as many finite, non-zero standard deviations as means; not null
     * @throws IllegalArgumentException if a list is empty, the two differ in length, or a value is not finite or a
     *                                  standard deviation is 0
     */
    public Normalize {
        mean = List.copyOf(mean);
        std = List.copyOf(std);
        if (mean.isEmpty() || mean.size() != std.size()) {
            throw new IllegalArgumentException("normalize needs as many means as standard deviations (at least one), "
                    + "got " + mean.size() + " and " + std.size());
        }
        for (int i = 0; i < mean.size(); i++) {
            if (!Double.isFinite(mean.get(i)) || !Double.isFinite(std.get(i)) || std.get(i) == 0) {
                throw new IllegalArgumentException("normalize mean and std must be finite and std non-zero, got mean "
                        + mean.get(i) + ", std " + std.get(i) + " for channel " + i);
            }
        }
    }

    @Override
    public Image apply(Image image, SplittableRandom random) {
        int c = image.channels();
        if (mean.size() != 1 && mean.size() != c) {
            throw new IllegalArgumentException("normalize has statistics for " + mean.size() + " channels, the image "
                    + "has " + c);
        }
        int plane = image.plane();
        float[] in = image.values();
        float[] out = new float[in.length];
        for (int ch = 0; ch < c; ch++) {
            int k = mean.size() == 1 ? 0 : ch;
            float m = mean.get(k).floatValue();
            float s = std.get(k).floatValue();
            for (int i = ch * plane; i < (ch + 1) * plane; i++) {
                out[i] = (in[i] - m) / s;
            }
        }
        return new Image(c, image.height(), image.width(), out);
    }
}
