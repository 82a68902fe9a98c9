package org.vgg4j.core.testing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.vgg4j.core.Network;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.layer.ParameterSpec;
import org.vgg4j.core.optim.SoftmaxCrossEntropy;
import org.vgg4j.core.param.Parameters;

/**
 * A plain-Java, float64, deliberately naive pass of any core network ({@link ReferenceCompiler}): in inference mode the
 * ground truth that every backend's logits are compared with, in training mode the exact gradients the reference
 * backend trains with.
 */
public final class ReferenceForward {
    private ReferenceForward() {
    }

    /** Logits of {@code network} with {@code params} on {@code images} (NCHW), computed in double precision. */
    public static double[] logits(Network network, Parameters params, Tensor images) {
        network.checkInput(images.shape());
        double[] x = doubles(images);
        for (ReferenceOp op : ReferenceCompiler.compile(network, params, images.shape().dim(0), null)) {
            x = op.forward(x, false);
        }
        return x;
    }

    /**
     * One training-mode pass (dropout masks drawn from {@code masks}) and its backward pass: the mean cross-entropy,
     * the logits and the exact float64 gradient of every trainable parameter, by name.
     */
    public static TrainingPass trainingPass(Network network, Parameters params, Tensor images, int[] labels,
            SplittableRandom masks) {
        return trainingPass(network, params, images, labels, masks, new SoftmaxCrossEntropy());
    }

    /** {@link #trainingPass} with {@code loss}'s label smoothing in the loss and its gradient. */
    public static TrainingPass trainingPass(Network network, Parameters params, Tensor images, int[] labels,
            SplittableRandom masks, SoftmaxCrossEntropy loss) {
        network.checkInput(images.shape());
        int n = labels.length;
        List<ReferenceOp> ops = ReferenceCompiler.compile(network, params, n, masks);
        double[] x = doubles(images);
        for (ReferenceOp op : ops) {
            x = op.forward(x, true);
        }
        double[] logits = x;
        int k = logits.length / n;
        double[] dy = new double[logits.length];
        for (int i = 0; i < n; i++) {
            double lse = logSumExp(logits, i, k);
            for (int j = 0; j < k; j++) {
                dy[i * k + j] = (Math.exp(logits[i * k + j] - lse) - loss.target(j, labels[i], k)) / n;
            }
        }
        Map<String, double[]> grads = new LinkedHashMap<>();
        for (int i = ops.size() - 1; i >= 0; i--) {
            dy = ops.get(i).backward(dy, grads);
        }
        Map<String, double[]> ordered = new LinkedHashMap<>();
        for (ParameterSpec spec : network.trainableSpecs()) {
            ordered.put(spec.name(), grads.get(spec.name()));
        }
        Map<String, double[]> buffers = new LinkedHashMap<>();
        for (ReferenceOp op : ops) {
            op.updatedBuffers(buffers);
        }
        return new TrainingPass(crossEntropy(logits, labels, loss), logits, ordered, buffers);
    }

    /**
     * The outcome of {@link #trainingPass}.
     *
     * @param loss      mean softmax cross-entropy
     * @param logits    [N, K] row-major
     * @param gradients one float64 gradient per trainable parameter, in the network's order
     * @param buffers   the new value of every buffer the pass updated (batch norm's running statistics and
     *                  {@code num_batches_tracked}), by full name; empty for a network without batch norm
     */
    public record TrainingPass(double loss, double[] logits, Map<String, double[]> gradients,
            Map<String, double[]> buffers) {
    }

    private static double[] doubles(Tensor images) {
        double[] x = new double[images.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = images.get(i);
        }
        return x;
    }

    /** Logits as a float32 tensor. */
    public static Tensor logitsTensor(Network network, Parameters params, Tensor images) {
        double[] d = logits(network, params, images);
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return Tensor.wrap(network.outputShape(images.shape()), f);
    }

    /** Mean softmax cross-entropy of {@code network} with {@code params} on {@code images} against {@code labels}. */
    public static double loss(Network network, Parameters params, Tensor images, int[] labels) {
        return crossEntropy(logits(network, params, images), labels);
    }

    /** Mean softmax cross-entropy of {@code logits} ([N, K] row-major) against {@code labels}. */
    public static double crossEntropy(double[] logits, int[] labels) {
        int n = labels.length;
        int k = logits.length / n;
        double total = 0;
        for (int i = 0; i < n; i++) {
            total += logSumExp(logits, i, k) - logits[i * k + labels[i]];
        }
        return total / n;
    }

    /**
     * Mean smoothed cross-entropy of {@code logits} against {@code labels}: {@code -sum_j q_j log softmax_j} with
     * {@code loss}'s targets {@code q} (the plain one without smoothing).
     */
    public static double crossEntropy(double[] logits, int[] labels, SoftmaxCrossEntropy loss) {
        if (loss.labelSmoothing() == 0) {
            return crossEntropy(logits, labels);
        }
        int n = labels.length;
        int k = logits.length / n;
        double total = 0;
        for (int i = 0; i < n; i++) {
            double lse = logSumExp(logits, i, k);
            for (int j = 0; j < k; j++) {
                total += loss.target(j, labels[i], k) * (lse - logits[i * k + j]);
            }
        }
        return total / n;
    }

    /** {@code log(sum_j exp(logits[row, j]))} over the {@code k} logits of {@code row}, computed stably. */
    private static double logSumExp(double[] logits, int row, int k) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            max = Math.max(max, logits[row * k + j]);
        }
        double sum = 0;
        for (int j = 0; j < k; j++) {
            sum += Math.exp(logits[row * k + j] - max);
        }
        return Math.log(sum) + max;
    }
}
