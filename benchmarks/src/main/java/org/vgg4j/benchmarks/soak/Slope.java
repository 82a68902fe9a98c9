package org.vgg4j.benchmarks.soak;

/**
 * Least-squares slope of {@code y} against {@code x} (the {@code b} of the line {@code y = a + b x} that minimises the
 * sum of squared vertical distances); needs at least two distinct {@code x}.
 */
public final class Slope {
    private Slope() {
    }

    /**
     * The slope of {@code y} over {@code x}, which must have equal lengths.
     *
     * @param x the abscissas, e.g. step numbers
     * @param y the ordinates, e.g. resident set in MiB, one per {@code x}
     * @return the least-squares slope, in units of {@code y} per unit of {@code x}
     * @throws IllegalArgumentException if the lengths differ
     */
    public static double leastSquares(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("x has " + x.length + " values, y " + y.length);
        }
        int n = x.length;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < n; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        if (n < 2 || sxx == 0) {
            throw new IllegalArgumentException("a slope needs at least two distinct x values, got " + n + " points");
        }
        return sxy / sxx;
    }
}
