package org.vgg4j.core.spi;

/**
 * The seed of a training step's random numbers (dropout masks) as a pure function of the run's seed and the step
 * number, so that a step's masks do not depend on what ran before it and a resumed run repeats an uninterrupted one.
 */
public final class StepSeeds {
    private StepSeeds() {
    }

    /**
     * A well-mixed, non-negative seed for step {@code step} of a run seeded with {@code seed} (SplitMix64's finaliser).
     *
     * @param seed the run's seed
     * @param step the step's index (any value; typically the optimizer step count)
     * @return a seed in [0, {@link Long#MAX_VALUE}], the same for the same arguments on every backend
     */
    public static long forStep(long seed, long step) {
        long z = seed * 0x9E3779B97F4A7C15L + step + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (z ^ (z >>> 31)) & Long.MAX_VALUE;
    }
}
