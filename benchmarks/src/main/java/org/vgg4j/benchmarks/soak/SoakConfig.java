package org.vgg4j.benchmarks.soak;

import java.util.List;

/**
 * What one soak run does: {@code steps} Adam training steps of the d2l narrow VGG-11 at {@code size}x{@code size},
 * batch {@code batch}, with memory sampled every {@code interval} steps, on {@code threads} engine threads, in a child
 * JVM started with {@code javaOptions}. {@code leakKibPerStep} > 0 makes the run keep that much touched native memory
 * per step on purpose (a known leak, to show that the slope criterion catches one).
 *
 * @param steps          training steps
 * @param interval       steps between memory samples
 * @param size           image side (a multiple of 32)
 * @param batch          images per step
 * @param threads        intra-op threads of every engine
 * @param seed           seed of the weights, the images and dropout
 * @param leakKibPerStep KiB of native memory deliberately kept per step (0: none)
 * @param javaOptions    extra options of the child JVM (for example {@code -Xmx512m})
 */
public record SoakConfig(int steps, int interval, int size, int batch, int threads, long seed, int leakKibPerStep,
        List<String> javaOptions) {

    /**
     * Checks the values and copies the JVM options.
     *
     * @param steps          training steps, at least 1
     * @param interval       steps between memory samples, from 1 to {@code steps}
     * @param size           image side, a positive multiple of 32
     * @param batch          images per step, at least 1
     * @param threads        intra-op threads of every engine, at least 1
     * @param seed           seed of the weights, the images and dropout
     * @param leakKibPerStep KiB of native memory deliberately kept per step, at least 0
     * @param javaOptions    extra options of the child JVM; not null (copied)
     * @throws IllegalArgumentException if a value is out of range
     */
    public SoakConfig {
        if (steps < 1 || interval < 1 || interval > steps) {
            throw new IllegalArgumentException("need steps >= 1 and 1 <= interval <= steps, got steps " + steps
                    + ", interval " + interval);
        }
        if (size < 32 || size % 32 != 0) {
            throw new IllegalArgumentException("image size must be a positive multiple of 32, got " + size);
        }
        if (batch < 1 || threads < 1 || leakKibPerStep < 0) {
            throw new IllegalArgumentException("batch and threads must be >= 1 and the leak >= 0, got batch " + batch
                    + ", threads " + threads + ", leak " + leakKibPerStep);
        }
        javaOptions = List.copyOf(javaOptions);
    }

    /**
     * The soak: 3,000 steps at 32x32, batch 64 (vgg4j train's default), sampled every 25 steps.
     *
     * @param threads intra-op threads of every engine, at least 1
     * @return the configuration, with seed 1, no leak and no extra JVM options
     */
    public static SoakConfig standard(int threads) {
        return new SoakConfig(3000, 25, 32, 64, threads, 1, 0, List.of());
    }

    /**
     * This configuration with {@code steps} steps.
     *
     * @param n training steps, at least the sampling interval
     * @return a new configuration; this one is unchanged
     */
    public SoakConfig withSteps(int n) {
        return new SoakConfig(n, interval, size, batch, threads, seed, leakKibPerStep, javaOptions);
    }

    /**
     * This configuration with a deliberate leak of {@code kib} KiB per step.
     *
     * @param kib KiB of native memory kept per step, at least 0 (0: no leak)
     * @return a new configuration; this one is unchanged
     */
    public SoakConfig withLeak(int kib) {
        return new SoakConfig(steps, interval, size, batch, threads, seed, kib, javaOptions);
    }

    /**
     * This configuration with {@code options} for the child JVM.
     *
     * @param options extra options of the child JVM, e.g. {@code -Xmx512m}; they replace the current ones
     * @return a new configuration; this one is unchanged
     */
    public SoakConfig withJavaOptions(List<String> options) {
        return new SoakConfig(steps, interval, size, batch, threads, seed, leakKibPerStep, options);
    }
}
