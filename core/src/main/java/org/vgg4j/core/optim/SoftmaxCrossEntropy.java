package org.vgg4j.core.optim;

/**
 * Mean softmax cross-entropy between logits and integer class labels, with optional label smoothing: PyTorch's
 * {@code nn.CrossEntropyLoss(label_smoothing=labelSmoothing)}. With {@code K} classes, {@code e = labelSmoothing}
 * and the smoothed target {@code q_j = (1 - e) [j = y] + e / K} of a sample with label {@code y}:
 *
 * <pre>
 * loss = mean over samples of  -sum_j q_j log softmax(x)_j
 *      = (1 - e) * (-log softmax(x)_y) + (e / K) * sum_j (-log softmax(x)_j)
 * dloss/dx_j = (softmax(x)_j - q_j) / N
 * </pre>
 * With {@code labelSmoothing} 0 it is the plain cross-entropy {@code -log softmax(x)_y}.
 *
 * @param labelSmoothing the probability mass spread evenly over all classes, in [0, 1)
 */
public record SoftmaxCrossEntropy(double labelSmoothing) implements LossSpec {

    /**
     * Checks the smoothing.
     *
     * @param labelSmoothing the probability mass spread evenly over all classes, in [0, 1)
     * @throws IllegalArgumentException if it is outside [0, 1) (or NaN)
     */
    public SoftmaxCrossEntropy {
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new IllegalArgumentException("label smoothing must be >= 0 and < 1, got " + labelSmoothing);
        }
    }

    /** The plain cross-entropy, without label smoothing. */
    public SoftmaxCrossEntropy() {
        this(0);
    }

    /**
     * The smoothed target probability of class {@code j} for a sample labelled {@code label}.
     *
     * @param j       the class, in [0, classes)
     * @param label   the sample's label, in [0, classes)
     * @param classes the number of classes {@code K}, >= 1
     * @return {@code (1 - labelSmoothing) [j = label] + labelSmoothing / classes}; exactly 1 or 0 without smoothing
     */
    public double target(int j, int label, int classes) {
        if (labelSmoothing == 0) {
            return j == label ? 1 : 0;
        }
        return (1 - labelSmoothing) * (j == label ? 1 : 0) + labelSmoothing / classes;
    }
}
