package org.vgg4j.core.layer;

import java.util.SplittableRandom;

/**
 * The law a parameter's initial elements are drawn from, each element independently; a {@link Constant} draws no
 * random number, so that it does not shift the stream of the elements after it.
 */
public sealed interface Distribution permits Distribution.Constant, Distribution.Uniform, Distribution.Normal {

    /**
     * One element drawn from {@code rng}.
     *
     * @param rng the stream to draw from; a {@link Constant} leaves it untouched
     * @return the element, in double precision
     */
    double sample(SplittableRandom rng);

    /** Every element equal to {@code value} (PyTorch's {@code nn.init.constant_}). */
    record Constant(double value) implements Distribution {
        @Override
        public double sample(SplittableRandom rng) {
            return value;
        }
    }

    /** U(-bound, bound), drawn as {@code u * 2 * bound - bound} from a uniform {@code u} in [0, 1). */
    record Uniform(double bound) implements Distribution {
        /**
         * Checks the bound.
         *
         * @param bound half the interval's width, >= 0 (0 draws zeros but still consumes a random number)
         * @throws IllegalArgumentException if {@code bound} is negative or NaN
         */
        public Uniform {
            if (!(bound >= 0)) {
                throw new IllegalArgumentException("uniform bound must be >= 0, got " + bound);
            }
        }

        @Override
        public double sample(SplittableRandom rng) {
            return rng.nextDouble() * 2 * bound - bound;
        }
    }

    /** N(0, std^2). */
    record Normal(double std) implements Distribution {
        /**
         * Checks the standard deviation.
         *
         * @param std standard deviation, >= 0
         * @throws IllegalArgumentException if {@code std} is negative or NaN
         */
        public Normal {
            if (!(std >= 0)) {
                throw new IllegalArgumentException("normal std must be >= 0, got " + std);
            }
        }

        @Override
        public double sample(SplittableRandom rng) {
            return rng.nextGaussian() * std;
        }
    }
}
