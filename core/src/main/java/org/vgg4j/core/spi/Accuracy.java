package org.vgg4j.core.spi;

/**
 * Counts how many rows of a batch's logits have their largest value at the row's label (ties go to the lower class).
 */
public final class Accuracy {
    private Accuracy() {
    }

    /**
     * The number of correct predictions in row-major logits {@code [labels.length, classes]}.
     *
     * @param logits row-major logits; the class count is {@code logits.length / labels.length}
     * @param labels one true class per row, at least one
     * @return rows whose arg-max (first on ties) equals the label, in [0, labels.length]
     */
    public static int countCorrect(float[] logits, int[] labels) {
        int classes = logits.length / labels.length;
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            int best = 0;
            for (int j = 1; j < classes; j++) {
                if (logits[i * classes + j] > logits[i * classes + best]) {
                    best = j;
                }
            }
            if (best == labels[i]) {
                correct++;
            }
        }
        return correct;
    }
}
