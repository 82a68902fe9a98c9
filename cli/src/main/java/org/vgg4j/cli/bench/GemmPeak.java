package org.vgg4j.cli.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The matrix-multiply rates (GFLOP/s) of one engine's repeated, warmed-up peak runs: the best (fastest) run is the
 * peak that "% of peak" divides by, and min/median/max show how far a shared machine let the runs spread.
 *
 * @param rates GFLOP/s of each run, in the order run; at least one, each positive
 */
public record GemmPeak(List<Double> rates) {

    /**
     * Copies the rates and checks that there is at least one, each positive and finite.
     *
     * @param rates GFLOP/s of each run, in the order run; copied
     * @throws IllegalArgumentException if {@code rates} is null or empty, or a rate is not positive and finite
     */
    public GemmPeak {
        if (rates == null || rates.isEmpty()) {
            throw new IllegalArgumentException("a peak needs at least one run");
        }
        for (double r : rates) {
            if (!(r > 0) || Double.isInfinite(r)) {
                throw new IllegalArgumentException("a peak run's rate must be positive, got " + r);
            }
        }
        rates = List.copyOf(rates);
    }

    /** @return the fastest run's rate: the peak */
    public double best() {
        return max();
    }

    /** @return the slowest run's rate */
    public double min() {
        return sorted().get(0);
    }

    /** @return the fastest run's rate */
    public double max() {
        List<Double> s = sorted();
        return s.get(s.size() - 1);
    }

    /** @return the median rate (the mean of the middle two for an even count) */
    public double median() {
        List<Double> s = sorted();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    /** @return {@code "best B GFLOP/s (N runs: min A / median M / max B)"} */
    public String describe() {
        return String.format(Locale.ROOT, "best %.1f GFLOP/s (%d run(s): min %.1f / median %.1f / max %.1f)", best(),
                rates.size(), min(), median(), max());
    }

    private List<Double> sorted() {
        List<Double> s = new ArrayList<>(rates);
        Collections.sort(s);
        return s;
    }
}
