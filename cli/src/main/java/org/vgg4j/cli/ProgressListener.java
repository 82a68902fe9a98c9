package org.vgg4j.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongToDoubleFunction;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.vgg4j.core.train.EpochMetrics;
import org.vgg4j.core.train.StepEvent;
import org.vgg4j.core.train.TrainingListener;
import org.vgg4j.core.train.TrainingPosition;

/**
 * Shows a live progress bar per epoch (steps, images/s, running loss and accuracy, the step's learning rate, ETA) and prints the d2l-style line
 * after each epoch; without a terminal it prints a progress line every 10% instead of redrawing.
 */
final class ProgressListener implements TrainingListener {
    private final PrintWriter out;
    private final int totalEpochs;
    private final boolean interactive;
    private final LongToDoubleFunction learningRate;
    private ProgressBar bar;
    private int lastDecile;

    /** {@code learningRate}: the learning rate of a 1-based update step, shown with each step's numbers. */
    ProgressListener(PrintWriter out, int totalEpochs, boolean interactive, LongToDoubleFunction learningRate) {
        this.out = out;
        this.totalEpochs = totalEpochs;
        this.interactive = interactive;
        this.learningRate = learningRate;
    }

    @Override
    public void epochStarted(int epoch, int batchesPerEpoch, TrainingPosition from) {
        ProgressBarBuilder b = new ProgressBarBuilder()
                .setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch + 1, totalEpochs))
                .setInitialMax(batchesPerEpoch)
                .setUnit(" steps", 1)
                .setUpdateIntervalMillis(500)
                .startsFrom(from.batch(), java.time.Duration.ZERO)
                .setMaxRenderedLength(120);
        if (interactive) {
            b.setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setConsumer(new ConsoleProgressBarConsumer(System.err));
            bar = b.build();
        } else {
            bar = null;
        }
        lastDecile = from.batch() * 10 / Math.max(1, batchesPerEpoch);
    }

    @Override
    public void stepFinished(StepEvent e) {
        long step = (long) e.epoch() * e.batchesPerEpoch() + e.batch() + 1;
        String extra = String.format(Locale.ROOT, "loss %.4f acc %.3f lr %.3g %.0f img/s", e.runningLoss(),
                e.runningAccuracy(), learningRate.applyAsDouble(step), e.imagesPerSecond());
        if (bar != null) {
            bar.stepTo(e.batch() + 1L);
            bar.setExtraMessage(extra);
            return;
        }
        int decile = (e.batch() + 1) * 10 / e.batchesPerEpoch();
        if (decile > lastDecile) {
            lastDecile = decile;
            int remaining = e.batchesPerEpoch() - e.batch() - 1;
            double eta = e.imagesPerSecond() > 0
                    ? remaining * (double) e.step().count() / e.imagesPerSecond() : Double.NaN;
            out.printf(Locale.ROOT, "  epoch %d: %3d%% (%d/%d steps), %s, eta %.0f s%n", e.epoch() + 1, decile * 10,
                    e.batch() + 1, e.batchesPerEpoch(), extra, eta);
        }
    }

    @Override
    public void epochFinished(EpochMetrics metrics, TrainingPosition next) {
        closeBar();
        out.println(metrics.summaryLine());
    }

    @Override
    public void stopped(TrainingPosition position) {
        closeBar();
    }

    @Override
    public void warning(String message) {
        if (bar != null) {
            System.err.println();
        }
        out.println("warning: " + message);
    }

    private void closeBar() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
