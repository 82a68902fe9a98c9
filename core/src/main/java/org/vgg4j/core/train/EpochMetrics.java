package org.vgg4j.core.train;

import java.util.Locale;

/**
 * What one epoch achieved: the true mean training cross-entropy and accuracy (dropout active, as measured during the
 * steps), the test-set loss and accuracy afterwards, and the epoch's wall time.
 *
 * @param epoch         1-based epoch number
 * @param trainLoss     mean cross-entropy over the epoch's training samples
 * @param trainAccuracy fraction of training samples classified correctly during their step
 * @param testLoss      mean cross-entropy on the test set after the epoch (NaN if there is no test set)
 * @param testAccuracy  test accuracy after the epoch (NaN if there is no test set)
 * @param seconds       wall time of the epoch including evaluation
 * @param images        training images processed in the epoch
 */
public record EpochMetrics(int epoch, double trainLoss, double trainAccuracy, double testLoss, double testAccuracy,
        double seconds, long images) {

    /**
     * The d2l chapter's epoch line, with the true mean loss: {@code epoch 1, loss 0.6475, train acc 0.755, ...}.
     *
     * @return one line: epoch, training loss (4 decimals), train and test accuracy (3), wall seconds (1)
     */
    public String summaryLine() {
        return String.format(Locale.ROOT, "epoch %d, loss %.4f, train acc %.3f, test acc %.3f, time %.1f sec",
                epoch, trainLoss, trainAccuracy, testAccuracy, seconds);
    }
}
