package org.vgg4j.core.train;

import java.util.List;

/**
 * The outcome of {@link Fit#run}: every epoch's metrics (those of a resumed run's earlier epochs included), where the
 * run ended, whether it finished (all its epochs, or stopped early by its rule), and the early-stopping state.
 *
 * @param history      metrics of every completed epoch, first epoch first
 * @param end          the position a resumed run would start from
 * @param finished     true if all epochs ran or early stopping ended the run; false if it was stopped (Ctrl-C, plateau)
 * @param stoppedEarly true if early stopping ended the run before its last epoch
 * @param earlyStopping the early-stopping state after the last completed epoch (its settings may be off)
 */
public record FitResult(List<EpochMetrics> history, TrainingPosition end, boolean finished, boolean stoppedEarly,
        EarlyStopping earlyStopping) {

    /**
     * Copies the history.
     *
     * @param history      metrics of every completed epoch, first epoch first; copied, not null
     * @param end          the position a resumed run would start from
     * @param finished     true if the run is over (all epochs, or stopped early); false if it was stopped
     * @param stoppedEarly true if early stopping ended it before its last epoch
     * @param earlyStopping the state after the last completed epoch, not null
     */
    public FitResult {
        history = List.copyOf(history);
        java.util.Objects.requireNonNull(earlyStopping, "earlyStopping");
    }
}
