package org.vgg4j.core.train;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.spi.StepResult;
import org.vgg4j.core.spi.Trainer;

/**
 * The backend-neutral training loop: epochs of steps over a {@link BatchSource}, evaluation after each epoch,
 * listeners for progress and checkpoints, plateau detection, early stopping on a validation metric (see
 * {@link EarlyStopping}), and a clean stop that can be resumed exactly.
 */
public final class Fit {
    private static final Logger LOG = LoggerFactory.getLogger(Fit.class);

    private final FitConfig config;
    private final List<TrainingListener> listeners;
    private final AtomicBoolean stopRequested = new AtomicBoolean();

    /**
     * A training loop.
     *
     * @param config    epochs and plateau handling
     * @param listeners notified in list order on the training thread; copied
     */
    public Fit(FitConfig config, List<TrainingListener> listeners) {
        this.config = config;
        this.listeners = List.copyOf(listeners);
    }

    /** Asks the run to stop after the current step; safe to call from any thread (e.g. a shutdown hook). */
    public void requestStop() {
        stopRequested.set(true);
    }

    /**
     * Trains from {@code start} up to {@code config.epochs()} epochs.
     *
     * @param session  the session whose weights {@code trainer} updates, used for evaluation
     * @param trainer  the session's trainer
     * @param train    training batches
     * @param test     evaluation batches, or null to skip evaluation
     * @param start    where to begin ({@link TrainingPosition#startOf(int) startOf(0)} for a new run)
     * @param previous metrics of the epochs completed before {@code start}
     * @return every epoch's metrics, where the run ended, and whether all epochs ran
     */
    public FitResult run(Session session, Trainer trainer, BatchSource train, BatchSource test,
            TrainingPosition start, List<EpochMetrics> previous) {
        List<EpochMetrics> history = new ArrayList<>(previous);
        PlateauDetector plateau = new PlateauDetector(session.network().numClasses(), config.plateauSteps(),
                Math.max(1, Math.min(100, config.plateauSteps())), 0.02);
        TrainingPosition position = start;
        EarlyStopping stopping = EarlyStopping.replay(config.earlyStopping(), previous);
        if (stopping.shouldStop() && position.atEpochStart()) {
            // A resumed run that early stopping had already ended: nothing more to train.
            return new FitResult(history, position, true, position.epoch() < config.epochs(), stopping);
        }
        int batches = train.batchesPerEpoch();
        while (position.epoch() < config.epochs()) {
            int epoch = position.epoch();
            for (TrainingListener l : listeners) {
                l.epochStarted(epoch, batches, position);
            }
            long startNanos = System.nanoTime() - (long) (position.elapsedSeconds() * 1e9);
            double lossSum = position.lossSum();
            long correct = position.correct();
            long seen = position.seen();
            long seenAtStart = seen;
            long trainStartNanos = System.nanoTime();
            int batch = position.batch();
            try (BatchStream stream = train.epoch(epoch, batch)) {
                while (stream.hasNext()) {
                    if (stopRequested.get()) {
                        return stop(history, new TrainingPosition(epoch, batch, lossSum, correct, seen,
                                (System.nanoTime() - startNanos) / 1e9), stopping);
                    }
                    Batch b = stream.next();
                    StepResult r = trainer.step(b.images(), b.labels());
                    if (!Double.isFinite(r.loss())) {
                        throw new TrainingDivergedException("loss became " + r.loss() + " at epoch " + (epoch + 1)
                                + ", batch " + (batch + 1) + ": lower the learning rate or change the seed");
                    }
                    lossSum += r.loss() * r.count();
                    correct += r.correct();
                    seen += r.count();
                    batch++;
                    double secs = (System.nanoTime() - trainStartNanos) / 1e9;
                    StepEvent event = new StepEvent(epoch, batch - 1, batches, r, lossSum / seen,
                            (double) correct / seen, secs > 0 ? (seen - seenAtStart) / secs : 0);
                    for (TrainingListener l : listeners) {
                        l.stepFinished(event);
                    }
                    String warning = plateau.record(r.loss());
                    if (warning != null) {
                        LOG.warn(warning);
                        for (TrainingListener l : listeners) {
                            l.warning(warning);
                        }
                        if (config.stopOnPlateau()) {
                            requestStop();
                        }
                    }
                }
            }
            Evaluation eval = test == null ? null : Evaluator.evaluate(session, test);
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            EpochMetrics metrics = new EpochMetrics(epoch + 1, lossSum / Math.max(1, seen),
                    (double) correct / Math.max(1, seen), eval == null ? Double.NaN : eval.loss(),
                    eval == null ? Double.NaN : eval.accuracy(), seconds, seen);
            history.add(metrics);
            position = TrainingPosition.startOf(epoch + 1);
            stopping = stopping.after(metrics);
            for (TrainingListener l : listeners) {
                l.epochFinished(metrics, position);
            }
            if (config.earlyStopping().enabled() && stopping.atBest()) {
                for (TrainingListener l : listeners) {
                    l.newBest(metrics, position, stopping);
                }
            }
            if (stopping.shouldStop() && position.epoch() < config.epochs()) {
                LOG.info("early stop after epoch {}: {}", epoch + 1, stopping.reason());
                for (TrainingListener l : listeners) {
                    l.stoppedEarly(stopping, position);
                }
                return new FitResult(history, position, true, true, stopping);
            }
            if (stopRequested.get() && position.epoch() < config.epochs()) {
                return stop(history, position, stopping);
            }
        }
        return new FitResult(history, position, true, false, stopping);
    }

    private FitResult stop(List<EpochMetrics> history, TrainingPosition position, EarlyStopping stopping) {
        LOG.info("training stopped at epoch {}, batch {}", position.epoch() + 1, position.batch());
        for (TrainingListener l : listeners) {
            l.stopped(position);
        }
        return new FitResult(history, position, false, false, stopping);
    }
}
