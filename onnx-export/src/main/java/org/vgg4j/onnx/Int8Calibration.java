package org.vgg4j.onnx;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What calibration measured for an int8 export: the {@link ActivationRange} of every activation that
 * {@link Int8Export#calibrationPoints} names (min/max over the calibration images), and how many images were seen.
 *
 * @param ranges value name (the graph input, or a layer path) to its range; copied, in the given order
 * @param images the number of calibration images, at least 1
 */
public record Int8Calibration(Map<String, ActivationRange> ranges, int images) {
    /**
     * Checks and copies the ranges.
     *
     * @param ranges value name to its range; not null, no null name or range
     * @param images the number of calibration images, at least 1
     * @throws IllegalArgumentException if {@code images < 1}
     * @throws NullPointerException     if {@code ranges}, a name or a range is null
     */
    public Int8Calibration {
        if (images < 1) {
            throw new IllegalArgumentException("calibration needs at least 1 image, got " + images);
        }
        Map<String, ActivationRange> copy = new LinkedHashMap<>();
        ranges.forEach((k, v) -> copy.put(Objects.requireNonNull(k), Objects.requireNonNull(v, k)));
        ranges = java.util.Collections.unmodifiableMap(copy);
    }
}
