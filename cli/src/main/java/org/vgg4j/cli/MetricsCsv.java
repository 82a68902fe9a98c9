package org.vgg4j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.IntToDoubleFunction;
import org.vgg4j.core.io.AtomicWrite;
import org.vgg4j.core.train.EpochMetrics;

/**
 * Writes a run's per-epoch metrics as CSV ({@code metrics.csv}), rewritten atomically after each epoch; the last
 * column is the learning rate of the epoch's last step.
 */
final class MetricsCsv {
    static final String HEADER = "epoch,train_loss,train_acc,test_loss,test_acc,seconds,images,lr";

    private MetricsCsv() {
    }

    static void write(Path file, List<EpochMetrics> history, IntToDoubleFunction lastLearningRate) {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (EpochMetrics m : history) {
            sb.append(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.2f,%d,%.6g%n", m.epoch(), m.trainLoss(),
                    m.trainAccuracy(), m.testLoss(), m.testAccuracy(), m.seconds(), m.images(),
                    lastLearningRate.applyAsDouble(m.epoch())));
        }
        AtomicWrite.writeString(file, sb.toString());
    }
}
