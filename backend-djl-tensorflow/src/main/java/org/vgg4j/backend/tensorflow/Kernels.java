package org.vgg4j.backend.tensorflow;

import ai.djl.ndarray.NDArray;
import ai.djl.tensorflow.engine.TfNDManager;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import org.tensorflow.internal.c_api.TF_Status;

/**
 * The TensorFlow kernels the backend runs, in NHWC/HWIO layout, with every result owned by one manager (a session's or
 * a step's, so that closing it frees the step's native memory at once). Callers validate shapes first.
 */
final class Kernels {
    private static final long[] ONES = {1, 1, 1, 1};

    private final TfNDManager manager;
    private final TF_Status status;
    private final Precision precision;
    private final boolean onednnPool;

    Kernels(TfNDManager manager, TF_Status status, Precision precision, boolean onednnPool) {
        this.manager = manager;
        this.status = status;
        this.precision = precision;
        this.onednnPool = onednnPool && precision == Precision.FLOAT32;
    }

    /** Whether training passes use oneDNN's max pooling (float32 on a oneDNN CPU build only). */
    boolean onednnPool() {
        return onednnPool;
    }

    TfNDManager manager() {
        return manager;
    }

    Precision precision() {
        return precision;
    }

    private TfOp op(String name) {
        return TfOp.of(manager, status, name);
    }

    // ---- host <-> engine ------------------------------------------------------------------------------------------

    /** An engine array of the session's precision holding {@code values} with {@code shape}. */
    NDArray array(float[] values, long... shape) {
        ai.djl.ndarray.types.Shape s = new ai.djl.ndarray.types.Shape(shape);
        if (precision == Precision.FLOAT64) {
            double[] d = new double[values.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = values[i];
            }
            return manager.create(DoubleBuffer.wrap(d), s);
        }
        return manager.create(FloatBuffer.wrap(values), s);
    }

    /** An engine array of the session's precision holding {@code values} (rounded to float32 if that is it). */
    NDArray array(double[] values, long... shape) {
        ai.djl.ndarray.types.Shape s = new ai.djl.ndarray.types.Shape(shape);
        if (precision == Precision.FLOAT64) {
            return manager.create(DoubleBuffer.wrap(values), s);
        }
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return manager.create(FloatBuffer.wrap(f), s);
    }

    /** A scalar of the session's precision. */
    NDArray scalar(double value) {
        return precision == Precision.FLOAT64 ? manager.create(value) : manager.create((float) value);
    }

    /** An int32 vector (shapes, labels). */
    NDArray int32(int... values) {
        return manager.create(IntBuffer.wrap(values), new ai.djl.ndarray.types.Shape(values.length));
    }

    /** The values of {@code a} as float32 (waits for pending kernels). */
    static float[] floats(NDArray a) {
        if (a.getDataType() == ai.djl.ndarray.types.DataType.FLOAT64) {
            double[] d = a.toDoubleArray();
            float[] f = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                f[i] = (float) d[i];
            }
            return f;
        }
        return a.toFloatArray();
    }

    /** The values of {@code a} as float64 (waits for pending kernels). */
    static double[] doubles(NDArray a) {
        if (a.getDataType() == ai.djl.ndarray.types.DataType.FLOAT64) {
            return a.toDoubleArray();
        }
        float[] f = a.toFloatArray();
        double[] d = new double[f.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    // ---- convolution ----------------------------------------------------------------------------------------------

    /**
     * Convolution geometry in TensorFlow's terms, which also picks the kernel implementation: TensorFlow's eager mode
     * rewrites {@code Conv2D}, {@code _FusedConv2D} and their gradients to oneDNN for {@code SAME}/{@code VALID} padding
     * but never for {@code EXPLICIT} padding ({@code MklEagerOpRewrite::RewriteConv2D}), which runs Eigen's kernels.
     *
     * <p>Only stride-1 convolutions (all of VGG's) take the oneDNN path. Strided ones always use {@code EXPLICIT}
     * padding, even when it is zero: oneDNN's {@code Conv2DBackpropFilter} for a 1x1 filter with stride > 1 on an input
     * whose last rows/columns no window covers ({@code (size - 1) % stride != 0}, e.g. 14x14 with stride 2) writes out
     * of bounds and crashes the process (SIGSEGV in {@code dnnl_primitive_execute}, or glibc's "double free or
     * corruption"); TensorFlow does not validate that case. A sweep of kernels 1/2/3/5, strides 1-3, padding up to
     * k/2, sizes 6-16 and 1 or 3 channels found no other crash or wrong result, but strided convolutions are rare and
     * cheap enough that all of them take the safe path.
     */
    record ConvGeometry(int stride, int padding, int kernel) {
        String paddingMode() {
            if (stride != 1) {
                return "EXPLICIT";
            }
            if (padding == 0) {
                return "VALID";
            }
            return 2 * padding == kernel - 1 ? "SAME" : "EXPLICIT";
        }

        /** Whether TensorFlow runs this convolution with oneDNN (float32 on a oneDNN CPU build). */
        boolean onednn() {
            return !paddingMode().equals("EXPLICIT");
        }

        long[] strides() {
            return new long[] {1, stride, stride, 1};
        }

        long[] explicitPaddings() {
            return new long[] {0, 0, padding, padding, padding, padding, 0, 0};
        }

        TfOp apply(TfOp op) {
            op.attr("strides", strides()).attr("padding", paddingMode()).attr("data_format", "NHWC")
                    .attr("dilations", ONES);
            if (paddingMode().equals("EXPLICIT")) {
                op.attr("explicit_paddings", explicitPaddings());
            }
            return op;
        }
    }

    /** {@code relu?(conv(x, w) + b)} in one fused kernel. */
    NDArray convBiasRelu(NDArray x, NDArray w, NDArray b, ConvGeometry g, boolean relu) {
        TfOp op = op("_FusedConv2D").input(x).input(w).inputList(b).attr("num_args", 1L)
                .attr("fused_ops", relu ? new String[] {"BiasAdd", "Relu"} : new String[] {"BiasAdd"});
        return g.apply(op).run();
    }

    /** Gradient of a convolution with respect to its filter (HWIO). */
    NDArray convFilterGrad(NDArray x, long[] filterShape, NDArray dz, ConvGeometry g) {
        NDArray sizes = int32(toInts(filterShape));
        return g.apply(op("Conv2DBackpropFilter").input(x).input(sizes).input(dz)).run();
    }

    /** Gradient of a convolution with respect to its input (NHWC). */
    NDArray convInputGrad(long[] inputShape, NDArray w, NDArray dz, ConvGeometry g) {
        NDArray sizes = int32(toInts(inputShape));
        return g.apply(op("Conv2DBackpropInput").input(sizes).input(w).input(dz)).run();
    }

    // ---- pooling, activations ---------------------------------------------------------------------------------------

    NDArray maxPool(NDArray x, int kernel, int stride) {
        return op("MaxPool").input(x).attr("ksize", 1L, kernel, kernel, 1).attr("strides", 1L, stride, stride, 1)
                .attr("padding", "VALID").attr("data_format", "NHWC").run();
    }

    /**
     * oneDNN's max pooling, which also returns the workspace its gradient reuses: {@code [y, workspace]}. TensorFlow
     * registers it under the kernel label {@code MklNameChangeOp}; its eager mode never rewrites {@code MaxPool} to it.
     */
    NDArray[] mklMaxPool(NDArray x, int kernel, int stride) {
        return op("_MklNativeMaxPool").input(x).attr("ksize", 1L, kernel, kernel, 1)
                .attr("strides", 1L, stride, stride, 1).attr("padding", "VALID").attr("data_format", "NHWC")
                .attr("workspace_enabled", true).attr("_kernel", "MklNameChangeOp").run(2);
    }

    /** oneDNN's max-pool gradient from the forward pass's output and workspace. */
    NDArray mklMaxPoolGrad(NDArray x, NDArray y, NDArray dy, NDArray workspace, int kernel, int stride) {
        return op("_MklNativeMaxPoolGrad").input(x).input(y).input(dy).input(workspace)
                .attr("ksize", 1L, kernel, kernel, 1).attr("strides", 1L, stride, stride, 1).attr("padding", "VALID")
                .attr("data_format", "NHWC").attr("workspace_enabled", true).attr("_kernel", "MklNameChangeOp").run();
    }

    NDArray maxPoolGrad(NDArray x, NDArray y, NDArray dy, int kernel, int stride) {
        return op("MaxPoolGrad").input(x).input(y).input(dy).attr("ksize", 1L, kernel, kernel, 1)
                .attr("strides", 1L, stride, stride, 1).attr("padding", "VALID").attr("data_format", "NHWC").run();
    }

    /**
     * Average pooling (VALID, NHWC) with a {@code kh x kw} window and strides {@code sh, sw}: every window divides by
     * {@code kh * kw}. Padding, where a layer has it, is applied by {@link #pad} first (PyTorch counts padded zeros).
     */
    NDArray avgPool(NDArray x, int kh, int kw, int sh, int sw) {
        return op("AvgPool").input(x).attr("ksize", 1L, kh, kw, 1).attr("strides", 1L, sh, sw, 1)
                .attr("padding", "VALID").attr("data_format", "NHWC").run();
    }

    /** Gradient of {@link #avgPool} with respect to its input of NHWC shape {@code inputShape}. */
    NDArray avgPoolGrad(long[] inputShape, NDArray dy, int kh, int kw, int sh, int sw) {
        return op("AvgPoolGrad").input(int32(toInts(inputShape))).input(dy).attr("ksize", 1L, kh, kw, 1)
                .attr("strides", 1L, sh, sw, 1).attr("padding", "VALID").attr("data_format", "NHWC").run();
    }

    /** {@code x} (NHWC) with {@code p} zero rows and columns on each side of H and W. */
    NDArray pad(NDArray x, int p) {
        NDArray paddings = manager.create(IntBuffer.wrap(new int[] {0, 0, p, p, p, p, 0, 0}),
                new ai.djl.ndarray.types.Shape(4, 2));
        return op("Pad").input(x).input(paddings).run();
    }

    /** The inverse of {@link #pad}: the interior {@code [N, h, w, C]} of a padded NHWC tensor. */
    NDArray unpad(NDArray x, int p, long[] unpaddedShape) {
        return op("Slice").input(x).input(int32(0, p, p, 0)).input(int32(toInts(unpaddedShape))).run();
    }

    /** {@code a @ b} per batch, broadcasting {@code a} [P, Q] against {@code b} [N, Q, C] ({@code a}^T if asked). */
    NDArray batchMatMul(NDArray a, NDArray b, boolean adjointA) {
        return op("BatchMatMulV2").input(a).input(b).attr("adj_x", adjointA).attr("adj_y", false).run();
    }

    /**
     * Training-mode batch norm over the channels of NHWC {@code x} with TensorFlow's fused kernel: normalises with the
     * batch mean and biased variance, and returns {@code [y, new running mean, new running var, reserve 1..3]}, where
     * the running statistics are {@code (1 - momentum) * running + momentum * batch} with the batch's unbiased
     * variance (the kernel's {@code exponential_avg_factor}, with Bessel's correction {@code n / (n - 1)} for
     * {@code n = N * H * W}: PyTorch's update). The reserve spaces feed {@link #fusedBatchNormGrad}. In float64, which
     * the fused kernel lacks, the same from element-wise kernels ({@link #batchNormTrain64}).
     */
    NDArray[] fusedBatchNormTrain(NDArray x, NDArray scale, NDArray offset, NDArray runningMean, NDArray runningVar,
            double eps, double momentum) {
        if (precision != Precision.FLOAT32) {
            return batchNormTrain64(x, scale, offset, runningMean, runningVar, eps, momentum);
        }
        return op("FusedBatchNormV3").input(x).input(scale).input(offset).input(runningMean).input(runningVar)
                .attr("epsilon", (float) eps).attr("exponential_avg_factor", (float) momentum)
                .attr("data_format", "NHWC").attr("is_training", true).run(6);
    }

    /** Inference-mode batch norm: {@code (x - mean) / sqrt(var + eps) * scale + offset} with the running statistics. */
    NDArray fusedBatchNormEval(NDArray x, NDArray scale, NDArray offset, NDArray runningMean, NDArray runningVar,
            double eps) {
        if (precision != Precision.FLOAT32) {
            NDArray invStd = rsqrt(add(runningVar, scalar(eps)));
            return add(mul(mul(sub(x, runningMean), invStd), scale), offset);
        }
        return op("FusedBatchNormV3").input(x).input(scale).input(offset).input(runningMean).input(runningVar)
                .attr("epsilon", (float) eps).attr("exponential_avg_factor", 1f).attr("data_format", "NHWC")
                .attr("is_training", false).run(6)[0];
    }

    /**
     * Gradients of training-mode batch norm from the forward pass's reserve spaces: {@code [dx, dscale, doffset]}.
     */
    NDArray[] fusedBatchNormGrad(NDArray dy, NDArray x, NDArray scale, NDArray[] reserve, double eps) {
        if (precision != Precision.FLOAT32) {
            return batchNormGrad64(dy, scale, reserve);
        }
        NDArray[] out = op("FusedBatchNormGradV3").input(dy).input(x).input(scale).input(reserve[0]).input(reserve[1])
                .input(reserve[2]).attr("epsilon", (float) eps).attr("data_format", "NHWC").attr("is_training", true)
                .run(5);
        return new NDArray[] {out[0], out[1], out[2]};
    }

    /**
     * Float64 batch norm in training mode from element-wise kernels and reductions over (N, H, W), as PyTorch writes
     * it ({@code FusedBatchNormV3} has no float64 kernel): {@code [y, new running mean, new running var, mean,
     * 1 / sqrt(var + eps), x - mean]}, the last three being what {@link #batchNormGrad64} reads.
     */
    private NDArray[] batchNormTrain64(NDArray x, NDArray scale, NDArray offset, NDArray runningMean,
            NDArray runningVar, double eps, double momentum) {
        ai.djl.ndarray.types.Shape shape = x.getShape();
        double n = (double) shape.get(0) * shape.get(1) * shape.get(2);
        NDArray mean = reduce("Mean", x);
        NDArray centred = sub(x, mean);
        NDArray var = reduce("Mean", mul(centred, centred));
        NDArray invStd = rsqrt(add(var, scalar(eps)));
        NDArray y = add(mul(mul(centred, invStd), scale), offset);
        NDArray newMean = add(mul(runningMean, scalar(1 - momentum)), mul(mean, scalar(momentum)));
        NDArray newVar = add(mul(runningVar, scalar(1 - momentum)), mul(var, scalar(momentum * n / (n - 1))));
        return new NDArray[] {y, newMean, newVar, mean, invStd, centred};
    }

    /** {@code [dx, dscale, doffset]} of {@link #batchNormTrain64}: PyTorch's closed form of batch norm's gradient. */
    private NDArray[] batchNormGrad64(NDArray dy, NDArray scale, NDArray[] reserve) {
        NDArray invStd = reserve[1];
        NDArray xhat = mul(reserve[2], invStd);
        ai.djl.ndarray.types.Shape shape = dy.getShape();
        double n = (double) shape.get(0) * shape.get(1) * shape.get(2);
        NDArray dOffset = reduce("Sum", dy);
        NDArray dScale = reduce("Sum", mul(dy, xhat));
        // dx = scale * invStd / n * (n * dy - sum(dy) - xhat * sum(dy * xhat))
        NDArray inner = sub(sub(mul(dy, scalar(n)), dOffset), mul(xhat, dScale));
        NDArray dx = mul(inner, mul(mul(scale, invStd), scalar(1 / n)));
        return new NDArray[] {dx, dScale, dOffset};
    }

    /** {@code Mean} or {@code Sum} of an NHWC tensor over N, H and W: one value per channel. */
    private NDArray reduce(String kernel, NDArray x) {
        return op(kernel).input(x).input(int32(0, 1, 2)).attr("keep_dims", false).run();
    }

    NDArray rsqrt(NDArray a) {
        return op("Rsqrt").input(a).run();
    }

    NDArray relu(NDArray x) {
        return op("Relu").input(x).run();
    }

    /** {@code dy} where {@code features > 0}, else 0 ({@code features} may be the ReLU's input or output). */
    NDArray reluGrad(NDArray dy, NDArray features) {
        return op("ReluGrad").input(dy).input(features).run();
    }

    NDArray biasAddGrad(NDArray dz) {
        return op("BiasAddGrad").input(dz).attr("data_format", "NHWC").run();
    }

    NDArray mul(NDArray a, NDArray b) {
        return op("Mul").input(a).input(b).run();
    }

    NDArray add(NDArray a, NDArray b) {
        return op("AddV2").input(a).input(b).run();
    }

    NDArray sub(NDArray a, NDArray b) {
        return op("Sub").input(a).input(b).run();
    }

    NDArray div(NDArray a, NDArray b) {
        return op("RealDiv").input(a).input(b).run();
    }

    NDArray sqrt(NDArray a) {
        return op("Sqrt").input(a).run();
    }

    NDArray zeros(long... shape) {
        return manager.zeros(new ai.djl.ndarray.types.Shape(shape), precision.dataType());
    }

    /** The 1-D concatenation of {@code parts} (each flattened). */
    NDArray concatFlat(NDArray... parts) {
        NDArray[] flat = new NDArray[parts.length];
        for (int i = 0; i < parts.length; i++) {
            flat[i] = reshape(parts[i], -1);
        }
        return op("ConcatV2").inputList(flat).input(manager.create(0)).run();
    }

    /** Splits a 1-D tensor into consecutive pieces of {@code sizes} elements (views of its buffer where aligned). */
    NDArray[] split(NDArray flat, int... sizes) {
        return op("SplitV").input(flat).input(int32(sizes)).input(manager.create(0)).attr("num_split", (long) sizes.length)
                .run(sizes.length);
    }

    /** {@code x} with its axes permuted: result axis {@code i} is input axis {@code perm[i]}. */
    NDArray transpose(NDArray x, int... perm) {
        return op("Transpose").input(x).input(int32(perm)).run();
    }

    NDArray reshape(NDArray x, long... shape) {
        return op("Reshape").input(x).input(int32(toInts(shape))).run();
    }

    // ---- dense -------------------------------------------------------------------------------------------------------

    /** {@code relu?(x W^T + b)} with W [out, in], in one fused kernel. */
    NDArray linear(NDArray x, NDArray w, NDArray b, boolean relu) {
        if (precision != Precision.FLOAT32) {
            // _FusedMatMul has no float64 kernel.
            NDArray y = op("BiasAdd").input(matMul(x, w, false, true)).input(b).attr("data_format", "NHWC").run();
            return relu ? relu(y) : y;
        }
        return op("_FusedMatMul").input(x).input(w).inputList(b).attr("num_args", 1L).attr("transpose_a", false)
                .attr("transpose_b", true)
                .attr("fused_ops", relu ? new String[] {"BiasAdd", "Relu"} : new String[] {"BiasAdd"}).run();
    }

    NDArray matMul(NDArray a, NDArray b, boolean transposeA, boolean transposeB) {
        return op("MatMul").input(a).input(b).attr("transpose_a", transposeA).attr("transpose_b", transposeB).run();
    }

    /** Per-sample softmax cross-entropy and its gradient: {@code [loss [N], backprop [N, K]]}. */
    NDArray[] softmaxCrossEntropy(NDArray logits, NDArray labels) {
        return op("SparseSoftmaxCrossEntropyWithLogits").input(logits).input(labels).run(2);
    }

    /**
     * {@code [per-sample loss, dloss/dlogits]} of the cross-entropy against target distributions {@code targets}
     * ([N, K], the logits' dtype): {@code -sum_j q_j log softmax_j} and {@code softmax - q}.
     */
    NDArray[] softmaxCrossEntropyDense(NDArray logits, NDArray targets) {
        return op("SoftmaxCrossEntropyWithLogits").input(logits).input(targets).run(2);
    }

    /** The sum of all elements of the vector {@code x}, as a scalar. */
    NDArray sumVector(NDArray x) {
        return op("Sum").input(x).input(int32(0)).attr("keep_dims", false).run();
    }

    private static int[] toInts(long[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.toIntExact(v[i]);
        }
        return out;
    }
}
