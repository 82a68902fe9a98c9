package org.vgg4j.core.train;

/**
 * How a network does on a labelled data set: mean cross-entropy, accuracy, and the confusion matrix from which
 * per-class accuracy follows.
 *
 * @param loss      mean softmax cross-entropy
 * @param accuracy  fraction classified correctly
 * @param confusion {@code confusion[true][predicted]} counts
 */
public record Evaluation(double loss, double accuracy, long[][] confusion) {

    /**
     * Accuracy on the samples whose true class is {@code c} (NaN if there are none).
     *
     * @param c class index, in [0, number of classes)
     * @return the fraction in [0, 1], or NaN
     */
    public double classAccuracy(int c) {
        long total = 0;
        for (long n : confusion[c]) {
            total += n;
        }
        return total == 0 ? Double.NaN : (double) confusion[c][c] / total;
    }

    /**
     * Number of samples evaluated.
     *
     * @return the sum of all confusion-matrix counts
     */
    public long count() {
        long total = 0;
        for (long[] row : confusion) {
            for (long n : row) {
                total += n;
            }
        }
        return total;
    }
}
