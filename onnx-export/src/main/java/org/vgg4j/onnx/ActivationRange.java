package org.vgg4j.onnx;

/**
 * The smallest and largest value one activation tensor took over the calibration images (min/max calibration), from
 * which {@link Int8Quantizer#activationScale} and {@link Int8Quantizer#activationZeroPoint} derive its uint8
 * quantization.
 *
 * @param min the smallest value seen; finite and at most {@code max}
 * @param max the largest value seen; finite
 */
public record ActivationRange(float min, float max) {
    /**
     * Checks the range.
     *
     * @param min the smallest value seen
     * @param max the largest value seen
     * @throws IllegalArgumentException if a bound is not finite or {@code min > max}
     */
    public ActivationRange {
        if (!Float.isFinite(min) || !Float.isFinite(max) || min > max) {
            throw new IllegalArgumentException("an activation range needs finite min <= max, got [" + min + ", "
                    + max + "]");
        }
    }

    /**
     * The range of {@code values}.
     *
     * @param values at least one finite value
     * @return the smallest and the largest of them
     * @throws IllegalArgumentException if {@code values} is empty or holds a NaN or an infinity
     */
    public static ActivationRange of(float[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("an activation range needs at least one value");
        }
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (float v : values) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("an activation is " + v + "; calibration needs finite values");
            }
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        return new ActivationRange(lo, hi);
    }

    /**
     * The range covering this one and {@code other}.
     *
     * @param other another range, or null
     * @return the smallest range containing both; this range when {@code other} is null
     */
    public ActivationRange union(ActivationRange other) {
        return other == null ? this : new ActivationRange(Math.min(min, other.min), Math.max(max, other.max));
    }
}
