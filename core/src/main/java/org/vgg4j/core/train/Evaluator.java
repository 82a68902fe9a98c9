package org.vgg4j.core.train;

import org.vgg4j.core.Tensor;
import org.vgg4j.core.spi.Session;

/**
 * Runs a session in inference mode over every batch of a source and measures loss, accuracy and confusion.
 */
public final class Evaluator {
    private Evaluator() {
    }

    /**
     * Evaluates {@code session} on epoch 0 of {@code source} (order does not matter for the result).
     *
     * @param session the session to run in inference mode; its network's class count sizes the confusion matrix
     * @param source  labelled batches; labels must be in [0, number of classes)
     * @return loss, accuracy (both NaN for an empty source) and confusion counts
     */
    public static Evaluation evaluate(Session session, BatchSource source) {
        int classes = session.network().numClasses();
        long[][] confusion = new long[classes][classes];
        double lossSum = 0;
        long correct = 0;
        long count = 0;
        try (BatchStream batches = source.epoch(0, 0)) {
            while (batches.hasNext()) {
                Batch batch = batches.next();
                Tensor logits = session.predict(batch.images());
                for (int i = 0; i < batch.size(); i++) {
                    int label = batch.labels()[i];
                    int predicted = argMax(logits, i, classes);
                    confusion[label][predicted]++;
                    if (predicted == label) {
                        correct++;
                    }
                    lossSum += crossEntropy(logits, i, classes, label);
                }
                count += batch.size();
            }
        }
        return new Evaluation(count == 0 ? Double.NaN : lossSum / count, count == 0 ? Double.NaN
                : (double) correct / count, confusion);
    }

    /**
     * Index of the largest logit of row {@code row}.
     *
     * @param logits  logits {@code [N, classes]}, row-major
     * @param row     sample index, in [0, N)
     * @param classes number of classes (row length)
     * @return the predicted class in [0, classes); the first one on ties
     */
    public static int argMax(Tensor logits, int row, int classes) {
        int best = 0;
        for (int c = 1; c < classes; c++) {
            if (logits.get(row * classes + c) > logits.get(row * classes + best)) {
                best = c;
            }
        }
        return best;
    }

    /**
     * Softmax probabilities of row {@code row}, computed stably in double precision.
     *
     * @param logits  logits {@code [N, classes]}, row-major
     * @param row     sample index, in [0, N)
     * @param classes number of classes (row length)
     * @return a new array of {@code classes} probabilities summing to 1
     */
    public static double[] softmax(Tensor logits, int row, int classes) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            max = Math.max(max, logits.get(row * classes + c));
        }
        double[] p = new double[classes];
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            p[c] = Math.exp(logits.get(row * classes + c) - max);
            sum += p[c];
        }
        for (int c = 0; c < classes; c++) {
            p[c] /= sum;
        }
        return p;
    }

    private static double crossEntropy(Tensor logits, int row, int classes, int label) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            max = Math.max(max, logits.get(row * classes + c));
        }
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            sum += Math.exp(logits.get(row * classes + c) - max);
        }
        return Math.log(sum) + max - logits.get(row * classes + label);
    }
}
