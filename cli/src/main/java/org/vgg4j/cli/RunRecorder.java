package org.vgg4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.vgg4j.core.optim.OptimizerState;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.train.Checkpoint;
import org.vgg4j.core.train.CheckpointStore;
import org.vgg4j.core.train.EpochMetrics;
import org.vgg4j.core.train.TrainingListener;
import org.vgg4j.core.train.TrainingPosition;

/**
 * Records a run in its directory: a checkpoint after each epoch ({@code checkpoints/epoch-NNN.*}) and when stopped
 * ({@code checkpoints/stopped-eNNN-bNNNNN.*}), and {@code metrics.csv} rewritten after each epoch.
 */
final class RunRecorder implements TrainingListener {
    private final Path runDir;
    private final CheckpointStore store;
    private final Map<String, String> config;
    private final String backend;
    private final Supplier<Parameters> parameters;
    private final Supplier<OptimizerState> optimizer;
    private final List<EpochMetrics> history;
    private final PrintWriter out;
    private Path lastCheckpoint;

    RunRecorder(Path runDir, Map<String, String> config, String backend, Supplier<Parameters> parameters,
            Supplier<OptimizerState> optimizer, List<EpochMetrics> previous, PrintWriter out) {
        this.runDir = runDir;
        this.store = new CheckpointStore(runDir.resolve("checkpoints"));
        this.config = config;
        this.backend = backend;
        this.parameters = parameters;
        this.optimizer = optimizer;
        this.history = new ArrayList<>(previous);
        this.out = out;
    }

    @Override
    public void epochFinished(EpochMetrics metrics, TrainingPosition next) {
        history.add(metrics);
        lastCheckpoint = save(String.format(Locale.ROOT, "epoch-%03d", metrics.epoch()), next);
        MetricsCsv.write(runDir.resolve("metrics.csv"), history);
    }

    @Override
    public void stopped(TrainingPosition position) {
        lastCheckpoint = save(String.format(Locale.ROOT, "stopped-e%03d-b%05d", position.epoch() + 1,
                position.batch()), position);
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
