package org.vgg4j.datasets.transform;

import java.util.SplittableRandom;

/**
 * The random stream of one sample in one epoch: a {@link SplittableRandom} seeded from a hash of (seed, epoch, sample
 * index) alone, so the augmentation a sample gets does not depend on the batch it is in, the thread that prepares it,
 * the number of threads, or where a run was resumed; and it differs from the stream of the epoch's shuffle.
 */
public final class SampleRandom {
    /** Separates these streams from the shuffle's, which hashes the same seed. */
    private static final long DOMAIN = 0x6A09E667F3BCC908L;

    private SampleRandom() {
    }

    /**
     * The stream of sample {@code index} in epoch {@code epoch} of a run seeded with {@code seed}.
     *
     * @param seed  the run's seed; any value
     * @param epoch the 0-based epoch
     * @param index the sample's index in its data set (not its position in the epoch's order)
     * @return a new stream, the same for the same three numbers in every JVM
     */
    public static SplittableRandom of(long seed, int epoch, int index) {
        return new SplittableRandom(seedOf(seed, epoch, index));
    }

    /**
     * The 64-bit seed {@link #of} uses: SplitMix64's finaliser applied after mixing in each number in turn.
     *
     * @param seed  the run's seed
     * @param epoch the 0-based epoch
     * @param index the sample's index
     * @return the hash
     */
    public static long seedOf(long seed, int epoch, int index) {
        long z = mix(seed ^ DOMAIN);
        z = mix(z + epoch);
        return mix(z + index);
    }

    private static long mix(long x) {
        long z = x + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
