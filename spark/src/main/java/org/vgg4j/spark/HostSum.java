package org.vgg4j.spark;

import java.io.Serializable;

/**
 * What workers send to the driver and Spark adds up: per named tensor, a flat float array summed element-wise, with
 * the summed loss and the number of samples behind it (each worker's contribution is weighted by its sample count, so
 * the sum divided by {@link #count()} is the mean over every sample). Combining mutates and returns the left operand,
 * as {@code treeAggregate} allows.
 */
final class HostSum implements Serializable {
    private static final long serialVersionUID = 1L;

    private float[][] values;
    private double lossSum;
    private long count;

    /** The neutral element. */
    static HostSum empty() {
        return new HostSum();
    }

    /** {@code weight} times {@code tensors} (one flat array per tensor), and {@code weight x loss}. */
    static HostSum of(float[][] tensors, double loss, int weight) {
        HostSum s = new HostSum();
        s.values = new float[tensors.length][];
        for (int i = 0; i < tensors.length; i++) {
            float[] v = tensors[i].clone();
            for (int j = 0; j < v.length; j++) {
                v[j] *= weight;
            }
            s.values[i] = v;
        }
        s.lossSum = loss * weight;
        s.count = weight;
        return s;
    }

    HostSum plus(HostSum other) {
        if (other.values == null) {
            return this;
        }
        if (values == null) {
            return other;
        }
        for (int i = 0; i < values.length; i++) {
            float[] a = values[i];
            float[] b = other.values[i];
            for (int j = 0; j < a.length; j++) {
                a[j] += b[j];
            }
        }
        lossSum += other.lossSum;
        count += other.count;
        return this;
    }

    long count() {
        return count;
    }

    /** The mean loss per sample. */
    double meanLoss() {
        return lossSum / count;
    }

    /** The per-sample means of every tensor. */
    float[][] means() {
        float[][] out = new float[values.length][];
        for (int i = 0; i < values.length; i++) {
            float[] v = values[i].clone();
            for (int j = 0; j < v.length; j++) {
                v[j] /= count;
            }
            out[i] = v;
        }
        return out;
    }
}
