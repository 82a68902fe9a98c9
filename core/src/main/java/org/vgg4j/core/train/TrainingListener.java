package org.vgg4j.core.train;

/**
 * Observes a training run (progress bars, metric logs, checkpoints); every method has a no-op default and runs on the
 * training thread, so it must be quick.
 */
public interface TrainingListener {

    /**
     * Before the first step of epoch {@code epoch} (0-based), also when resuming inside it.
     *
     * @param epoch           0-based epoch index
     * @param batchesPerEpoch batches in a whole epoch, the partial last one included
     * @param from            where training of the epoch starts (batch 0 unless resuming)
     */
    default void epochStarted(int epoch, int batchesPerEpoch, TrainingPosition from) {
    }

    /**
     * After every training step.
     *
     * @param event the step's position and results
     */
    default void stepFinished(StepEvent event) {
    }

    /**
     * After each epoch's evaluation; {@code next} is where a resumed run would start.
     *
     * @param metrics the finished epoch's training and test metrics
     * @param next    the start of the following epoch
     */
    default void epochFinished(EpochMetrics metrics, TrainingPosition next) {
    }

    /**
     * After {@link #epochFinished} of an epoch that is the best so far by the early-stopping rule (called only when
     * early stopping is on), so a listener can keep that epoch's model.
     *
     * @param metrics the epoch's metrics
     * @param next    the start of the following epoch
     * @param state   the early-stopping state after the epoch
     */
    default void newBest(EpochMetrics metrics, TrainingPosition next, EarlyStopping state) {
    }

    /**
     * Early stopping ended the run before its last epoch, after {@link #epochFinished} of its last epoch.
     *
     * @param state the state that stopped it: best epoch and value, epochs since
     * @param next  where a resumed run would start
     */
    default void stoppedEarly(EarlyStopping state, TrainingPosition next) {
    }

    /**
     * The run was asked to stop (e.g. Ctrl-C) and stopped cleanly at {@code position}.
     *
     * @param position where a resumed run would start
     */
    default void stopped(TrainingPosition position) {
    }

    /**
     * Something the user should know, such as a loss stuck on a plateau.
     *
     * @param message one line for the user
     */
    default void warning(String message) {
    }
}
