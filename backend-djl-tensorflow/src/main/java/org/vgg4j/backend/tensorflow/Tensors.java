package org.vgg4j.backend.tensorflow;

import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;

/** Host arrays to TF-Java tensors of a session's precision and back (always copies). */
final class Tensors {
    private Tensors() {
    }

    static Tensor of(Precision precision, float[] values, long... shape) {
        if (precision == Precision.FLOAT32) {
            return TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(values, true, false));
        }
        double[] d = new double[values.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = values[i];
        }
        return TFloat64.tensorOf(Shape.of(shape), DataBuffers.of(d, true, false));
    }

    static Tensor of(Precision precision, double[] values, long... shape) {
        if (precision == Precision.FLOAT64) {
            return TFloat64.tensorOf(Shape.of(shape), DataBuffers.of(values, true, false));
        }
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(f, true, false));
    }

    /** A scalar of {@code precision}: {@code (float) value} for float32, as the optimizer's arithmetic expects. */
    static Tensor scalar(Precision precision, double value) {
        return precision == Precision.FLOAT32 ? TFloat32.scalarOf((float) value) : TFloat64.scalarOf(value);
    }

    /** Zeros (written explicitly: TensorFlow does not clear what it allocates). */
    static Tensor zeros(Precision precision, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return of(precision, new float[Math.toIntExact(n)], shape);
    }

    /** The values of a float32 or float64 tensor, as float32. */
    static float[] floats(Tensor t) {
        int n = Math.toIntExact(t.shape().size());
        float[] out = new float[n];
        if (t instanceof TFloat32 f) {
            f.copyTo(DataBuffers.of(out, false, false));
        } else {
            double[] d = new double[n];
            ((TFloat64) t).copyTo(DataBuffers.of(d, false, false));
            for (int i = 0; i < n; i++) {
                out[i] = (float) d[i];
            }
        }
        return out;
    }

    /** The values of a float32 or float64 tensor, as float64. */
    static double[] doubles(Tensor t) {
        int n = Math.toIntExact(t.shape().size());
        double[] out = new double[n];
        if (t instanceof TFloat64 d) {
            d.copyTo(DataBuffers.of(out, false, false));
        } else {
            float[] f = new float[n];
            ((TFloat32) t).copyTo(DataBuffers.of(f, false, false));
            for (int i = 0; i < n; i++) {
                out[i] = f[i];
            }
        }
        return out;
    }
}
