package org.vgg4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongToDoubleFunction;
import java.util.function.Supplier;
import org.vgg4j.core.config.RunConfig;
import org.vgg4j.core.optim.OptimizerState;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.run.RunDirectory;
import org.vgg4j.core.train.Checkpoint;
import org.vgg4j.core.train.CheckpointStore;
import org.vgg4j.core.train.EarlyStopping;
import org.vgg4j.core.train.EpochMetrics;
import org.vgg4j.core.train.TrainingListener;
import org.vgg4j.core.train.TrainingPosition;

/**
 * Records a run in its directory: a checkpoint after each epoch ({@code checkpoints/epoch-NNN.*}) and when stopped
 * ({@code checkpoints/stopped-eNNN-bNNNNN.*}), with early stopping a copy of the best epoch's ({@code
 * checkpoints/best.*}), and {@code metrics.csv} rewritten after each epoch.
 */
final class RunRecorder implements TrainingListener {
    private final Path runDir;
    private final CheckpointStore store;
    private final RunConfig config;
    private final String backend;
    private final Supplier<Parameters> parameters;
    private final Supplier<OptimizerState> optimizer;
    private final List<EpochMetrics> history;
    private final PrintWriter out;
    private final LongToDoubleFunction learningRate;
    private int batchesPerEpoch;
    private Path lastCheckpoint;

    RunRecorder(Path runDir, RunConfig config, String backend, Supplier<Parameters> parameters,
            Supplier<OptimizerState> optimizer, List<EpochMetrics> previous, PrintWriter out,
            LongToDoubleFunction learningRate) {
        this.learningRate = learningRate;
        this.runDir = runDir;
        this.store = new CheckpointStore(runDir.resolve(RunDirectory.CHECKPOINTS));
        this.config = config;
        this.backend = backend;
        this.parameters = parameters;
        this.optimizer = optimizer;
        this.history = new ArrayList<>(previous);
        this.out = out;
    }

    @Override
    public void epochStarted(int epoch, int batches, TrainingPosition from) {
        batchesPerEpoch = batches;
    }

    @Override
    public void epochFinished(EpochMetrics metrics, TrainingPosition next) {
        history.add(metrics);
        lastCheckpoint = save(CheckpointStore.epochName(metrics.epoch()), next);
        // every epoch of a run has the same number of batches: epoch k's last step is step k * batches
        MetricsCsv.write(runDir.resolve(RunDirectory.METRICS), history,
                epoch -> learningRate.applyAsDouble(Math.max(1, (long) epoch * batchesPerEpoch)));
    }

    /** Keeps the best epoch's model beside the epochs' checkpoints: {@code checkpoints/best.*}, written atomically. */
    @Override
    public void newBest(EpochMetrics metrics, TrainingPosition next, EarlyStopping state) {
        save(CheckpointStore.BEST, next);
    }

    @Override
    public void stopped(TrainingPosition position) {
        lastCheckpoint = save(CheckpointStore.stoppedName(position), position);
        out.println("stopped: checkpoint saved to " + lastCheckpoint);
        out.println("resume with: ./vgg4j train --resume " + runDir);
    }

    private Path save(String name, TrainingPosition position) {
        return store.save(name, new Checkpoint(config, backend, position, history, parameters.get(), optimizer.get()));
    }

    /** The manifest of the newest checkpoint written by this recorder, or null. */
    Path lastCheckpoint() {
        return lastCheckpoint;
    }
}
