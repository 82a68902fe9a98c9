package org.vgg4j.core.config;

import java.util.List;

/**
 * When a run stops before its last epoch: after {@code patience} epochs in a row in which the monitored validation
 * metric did not improve on the best value so far by more than {@code minDelta}. Patience 0 turns early stopping off.
 *
 * @param patience epochs without improvement after which the run stops, 0 (off) or more
 * @param metric   {@link #VAL_ACCURACY} (higher is better) or {@link #VAL_LOSS} (lower is better): the test or
 *                 validation split's accuracy or mean cross-entropy, measured after every epoch
 * @param minDelta how much better than the best value an epoch must be to count as an improvement, 0 to 1
 */
public record EarlyStoppingConfig(int patience, String metric, double minDelta) {
    /** Monitor the accuracy on the test or validation split; higher is better. */
    public static final String VAL_ACCURACY = "val-accuracy";
    /** Monitor the mean cross-entropy on the test or validation split; lower is better. */
    public static final String VAL_LOSS = "val-loss";
    /** The metrics that can be monitored. */
    public static final List<String> METRICS = List.of(VAL_ACCURACY, VAL_LOSS);

    /**
     * Checks the fields.
     *
     * @param patience epochs without improvement before stopping, >= 0 (0: off)
     * @param metric   one of {@link #METRICS}, not null
     * @param minDelta the least improvement that counts, 0 to 1
     * @throws IllegalArgumentException naming the field, if a value is out of range or the metric is unknown
     */
    public EarlyStoppingConfig {
        Checks.atLeast("training.earlyStopping.patience", patience, 0);
        Checks.present(metric, "training.earlyStopping.metric");
        if (!METRICS.contains(metric)) {
            throw new IllegalArgumentException("training.earlyStopping.metric must be one of " + METRICS + ", got '"
                    + metric + "'");
        }
        if (!(minDelta >= 0 && minDelta <= 1)) {
            throw new IllegalArgumentException("training.earlyStopping.minDelta must be >= 0 and <= 1, got "
                    + minDelta);
        }
    }

    /**
     * No early stopping: every epoch runs (what every run before checkpoint format 5 did).
     *
     * @return patience 0, metric {@code val-accuracy}, minDelta 0
     */
    public static EarlyStoppingConfig off() {
        return new EarlyStoppingConfig(0, VAL_ACCURACY, 0);
    }

    /**
     * Whether early stopping is on.
     *
     * @return true if {@link #patience} is above 0
     */
    public boolean enabled() {
        return patience > 0;
    }

    /**
     * Whether higher values of the metric are better.
     *
     * @return true for {@code val-accuracy}, false for {@code val-loss}
     */
    public boolean higherIsBetter() {
        return VAL_ACCURACY.equals(metric);
    }
}
