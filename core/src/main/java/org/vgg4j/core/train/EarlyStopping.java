package org.vgg4j.core.train;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.vgg4j.core.config.EarlyStoppingConfig;

/**
 * The early-stopping rule and its state after some epochs: the best value of the monitored metric so far, the epoch
 * that reached it, and how many epochs have passed since. An epoch improves on the best if its value is better by
 * more than {@code minDelta} (accuracy {@code > best + minDelta}, loss {@code < best - minDelta}; the first epoch with
 * a number always does, a NaN never does), and only an improvement moves the best, as in Keras' {@code
 * EarlyStopping}. The run stops once {@code epochsSinceBest >= patience}.
 *
 * <p>The state is a function of the settings and the epochs' metrics alone ({@link #replay}), so a resumed run,
 * whose checkpoint holds every completed epoch's metrics, continues with exactly the state of an uninterrupted one.
 *
 * @param config          the settings
 * @param bestEpoch       1-based epoch of the best value, 0 before any epoch with a number
 * @param bestValue       the best value of the metric, NaN before any epoch with a number
 * @param epochsSinceBest epochs after {@code bestEpoch} (or since the start, if there is none yet)
 */
public record EarlyStopping(EarlyStoppingConfig config, int bestEpoch, double bestValue, int epochsSinceBest) {

    /**
     * Checks the fields.
     *
     * @param config          the settings, not null
     * @param bestEpoch       1-based epoch of the best value, >= 0
     * @param bestValue       the best value, NaN before any
     * @param epochsSinceBest epochs since it, >= 0
     * @throws IllegalArgumentException if a count is negative
     * @throws NullPointerException     if {@code config} is null
     */
    public EarlyStopping {
        Objects.requireNonNull(config, "config");
        if (bestEpoch < 0 || epochsSinceBest < 0) {
            throw new IllegalArgumentException("bestEpoch and epochsSinceBest must be >= 0, got " + bestEpoch + ", "
                    + epochsSinceBest);
        }
    }

    /**
     * The state before the first epoch.
     *
     * @param config the settings, not null
     * @return no best yet, 0 epochs since
     */
    public static EarlyStopping start(EarlyStoppingConfig config) {
        return new EarlyStopping(config, 0, Double.NaN, 0);
    }

    /**
     * The state after {@code history}, as {@link #after} applied to each epoch in turn.
     *
     * @param config  the settings, not null
     * @param history the completed epochs, first first
     * @return the state after the last of them
     */
    public static EarlyStopping replay(EarlyStoppingConfig config, List<EpochMetrics> history) {
        EarlyStopping state = start(config);
        for (EpochMetrics m : history) {
            state = state.after(m);
        }
        return state;
    }

    /**
     * The monitored metric of an epoch.
     *
     * @param metrics an epoch's metrics
     * @return its test (validation) accuracy or test loss, as {@link EarlyStoppingConfig#metric} says
     */
    public double value(EpochMetrics metrics) {
        return config.higherIsBetter() ? metrics.testAccuracy() : metrics.testLoss();
    }

    /**
     * Whether {@code value} improves on the best so far.
     *
     * @param value a value of the monitored metric
     * @return true if there is no best yet and {@code value} is a number, or it is better than the best by more than
     *         {@code minDelta}; false for NaN
     */
    public boolean improves(double value) {
        if (Double.isNaN(value)) {
            return false;
        }
        if (Double.isNaN(bestValue)) {
            return true;
        }
        return config.higherIsBetter() ? value > bestValue + config.minDelta() : value < bestValue - config.minDelta();
    }

    /**
     * The state after one more epoch.
     *
     * @param metrics the epoch's metrics
     * @return the best moved to this epoch if it improves, otherwise one more epoch since the best
     */
    public EarlyStopping after(EpochMetrics metrics) {
        double v = value(metrics);
        return improves(v) ? new EarlyStopping(config, metrics.epoch(), v, 0)
                : new EarlyStopping(config, bestEpoch, bestValue, epochsSinceBest + 1);
    }

    /**
     * Whether the last epoch applied was a new best.
     *
     * @return true if a best exists and no epoch has passed since it
     */
    public boolean atBest() {
        return bestEpoch > 0 && epochsSinceBest == 0;
    }

    /**
     * Whether the run should stop now.
     *
     * @return true if early stopping is on and {@code epochsSinceBest >= patience}
     */
    public boolean shouldStop() {
        return config.enabled() && epochsSinceBest >= config.patience();
    }

    /**
     * Why the run stopped, for the user: {@code val-accuracy did not improve by more than 0.0 for 3 epochs (best
     * 0.8125 at epoch 2)}.
     *
     * @return one line naming the metric, the threshold, the patience and the best
     */
    public String reason() {
        return String.format(Locale.ROOT, "%s did not improve by more than %s for %d epoch%s (best %s at epoch %d)",
                config.metric(), config.minDelta(), epochsSinceBest, epochsSinceBest == 1 ? "" : "s",
                describeBest(), bestEpoch);
    }

    /**
     * The best value, with 4 decimals.
     *
     * @return e.g. {@code 0.8125}, or {@code none} before any epoch with a number
     */
    public String describeBest() {
        return Double.isNaN(bestValue) ? "none" : String.format(Locale.ROOT, "%.4f", bestValue);
    }
}
