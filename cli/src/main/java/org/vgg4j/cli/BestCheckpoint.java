package org.vgg4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.vgg4j.core.Vgg4jException;
import org.vgg4j.core.config.RunConfig;
import org.vgg4j.core.run.RunDirectory;
import org.vgg4j.core.train.Checkpoint;
import org.vgg4j.core.train.CheckpointStore;
import org.vgg4j.core.train.EarlyStopping;
import org.vgg4j.core.train.FitResult;

/**
 * The best epoch's checkpoint that early stopping keeps, {@code RUN/checkpoints/best.*}: where it is, how it is put
 * back when a resume finds it missing or of another epoch, and the line {@code train} ends with.
 */
final class BestCheckpoint {
    private BestCheckpoint() {
    }

    /** The manifest of a run's best checkpoint, {@code RUN/checkpoints/best.json}. */
    static Path path(Path runDir) {
        return runDir.resolve(RunDirectory.CHECKPOINTS).resolve(CheckpointStore.BEST + ".json");
    }

    /**
     * Makes {@code best.*} the checkpoint of {@code state}'s best epoch before a resumed run continues: a process
     * killed while {@code best.*} was replaced, or a resume with other early-stopping settings, leaves it missing or
     * of another epoch; it is copied again from that epoch's checkpoint {@code epoch-NNN.*}, with the run's current
     * configuration.
     */
    static void restore(Path runDir, RunConfig config, EarlyStopping state, PrintWriter out) {
        if (state.bestEpoch() == 0) {
            return;
        }
        Path best = path(runDir);
        if (Files.isRegularFile(best)) {
            try {
                if (CheckpointStore.readManifest(best).position().epoch() == state.bestEpoch()) {
                    return;
                }
            } catch (Vgg4jException unreadable) {
                // replaced below
            }
        }
        Path dir = runDir.resolve(RunDirectory.CHECKPOINTS);
        Path epoch = dir.resolve(CheckpointStore.epochName(state.bestEpoch()) + ".json");
        if (!Files.isRegularFile(epoch)) {
            out.println("warning: the best epoch so far, " + state.bestEpoch() + ", has no checkpoint " + epoch
                    + " to copy to " + best + "; it is written again at the next improvement");
            return;
        }
        Checkpoint c = CheckpointStore.load(epoch);
        new CheckpointStore(dir).save(CheckpointStore.BEST, new Checkpoint(config, c.backend(), c.position(),
                c.history(), c.parameters(), c.optimizer()));
        out.println("best checkpoint " + best + " set to epoch " + state.bestEpoch() + " (from " + epoch.getFileName()
                + ")");
    }

    /** What {@code train} says at the end of a run with early stopping: which epoch was best and why it ended. */
    static String summary(FitResult result, int totalEpochs, Path runDir) {
        EarlyStopping s = result.earlyStopping();
        String why = result.stoppedEarly()
                ? "stopped early after epoch " + result.end().epoch() + " of " + totalEpochs + ": " + s.reason()
                : String.format(Locale.ROOT, "ran all %d epochs (%d since the best; patience %d)", totalEpochs,
                        s.epochsSinceBest(), s.config().patience());
        if (s.bestEpoch() == 0) {
            return "early stopping: no epoch had a " + s.config().metric() + " to compare; " + why;
        }
        return "early stopping: best epoch " + s.bestEpoch() + " (" + s.config().metric() + " " + s.describeBest()
                + "), best checkpoint " + path(runDir) + "; " + why;
    }
}
