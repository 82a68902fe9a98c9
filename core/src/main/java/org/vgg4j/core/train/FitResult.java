package org.vgg4j.core.train;

import java.util.List;

/**
 * The outcome of {@link Fit#run}: every epoch's metrics (those of a resumed run's earlier epochs included), where the
 * run ended, and whether it finished all its epochs.
 *
 * @param history  metrics of every completed epoch, first epoch first
 * @param end      the position a resumed run would start from
 * @param finished true if all epochs ran; false if it was stopped
 */
public record FitResult(List<EpochMetrics> history, TrainingPosition end, boolean finished) {

    /**
     * Copies the history.
     *
     * @param history  metrics of every completed epoch, first epoch first; copied, not null
     * @param end      the position a resumed run would start from
     * @param finished true if all epochs ran; false if it was stopped
     */
    public FitResult {
        history = List.copyOf(history);
    }
}
