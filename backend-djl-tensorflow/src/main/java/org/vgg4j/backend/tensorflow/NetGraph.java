package org.vgg4j.backend.tensorflow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.op.nn.Conv2d;
import org.tensorflow.op.nn.FusedBatchNorm;
import org.tensorflow.op.nn.SoftmaxCrossEntropyWithLogits;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TNumber;
import org.vgg4j.core.layer.AdaptiveAvgPool2d;
import org.vgg4j.core.layer.AvgPool2d;
import org.vgg4j.core.layer.BatchNorm2d;
import org.vgg4j.core.layer.Dropout;
import org.vgg4j.core.layer.MaxPool2d;

/**
 * One TensorFlow {@link Graph} (and the {@link org.tensorflow.Session} that runs it) for a compiled network: an
 * inference forward pass, and, built on first use, a training forward pass with softmax cross-entropy and TensorFlow's
 * own symbolic gradients ({@link Graph#addGradients}) of the mean loss with respect to every trained parameter.
 * Trainers add their optimizer's update ops to the same graph.
 *
 * <p>The graph is a pure function: every parameter, running statistic, dropout mask and target is a placeholder fed
 * at each run (on the CPU TensorFlow takes fed tensors without copying them), and new parameters, statistics and
 * optimizer slots come back as fetched outputs. So the session keeps no state, and a run is deterministic given its
 * feeds. Layout: NHWC activations, HWIO convolution weights (see {@link TfGraph}).
 */
final class NetGraph implements AutoCloseable {
    private final TfGraph net;
    private final Precision precision;
    private final Class<TNumber> type;
    private final Graph graph;
    private final Ops tf;
    private final org.tensorflow.Session session;
    /** The NHWC images (or [N, features]). */
    final Placeholder<TNumber> input;
    /** Every engine tensor (trainable, frozen, running statistics), by {@code state_dict} name. */
    final Map<String, Placeholder<TNumber>> params = new LinkedHashMap<>();
    /** The inference output: logits, or an NHWC activation for a network that ends in one. */
    final Output<TNumber> output;
    private Training training;
    private final Map<Object, Object> cache = new java.util.HashMap<>();

    /** The training pass: what a trainer feeds and fetches. */
    record Training(Placeholder<TNumber> targets, Map<Integer, Placeholder<TNumber>> masks, Output<TNumber> losses,
            Output<TNumber> logits, Map<String, Output<TNumber>> grads, Output<TNumber> gradSquareSum,
            Map<String, Output<TNumber>> buffers) {
    }

    NetGraph(TfGraph net, Precision precision) {
        this.net = net;
        this.precision = precision;
        this.type = precision.type();
        this.graph = new Graph();
        try {
            this.tf = Ops.create(graph);
            this.input = tf.withName("input").placeholder(type);
            for (ParamLayout l : net.layouts()) {
                params.put(l.name(), tf.withName(opName(l.name())).placeholder(type));
            }
            for (ParamLayout l : net.buffers()) {
                params.put(l.name(), tf.withName(opName(l.name())).placeholder(type));
            }
            this.output = forward(false, null, null).asOutput();
            this.session = new org.tensorflow.Session(graph, config());
        } catch (RuntimeException e) {
            graph.close();
            throw e;
        }
    }

    /** TensorFlow's thread pools, from the same system properties as DJL's eager engine (default: all cores). */
    private static ConfigProto config() {
        ConfigProto.Builder b = ConfigProto.newBuilder();
        String intra = System.getProperty("ai.djl.tensorflow.num_intraop_threads");
        String inter = System.getProperty("ai.djl.tensorflow.num_interop_threads");
        if (intra != null) {
            b.setIntraOpParallelismThreads(Integer.parseInt(intra.trim()));
        }
        if (inter != null) {
            b.setInterOpParallelismThreads(Integer.parseInt(inter.trim()));
        }
        return b.build();
    }

    private static String opName(String stateDictName) {
        return "p_" + stateDictName.replaceAll("[^A-Za-z0-9_.\\-/]", "_");
    }

    Precision precision() {
        return precision;
    }

    Ops ops() {
        return tf;
    }

    org.tensorflow.Session session() {
        return session;
    }

    /** A scalar constant of the graph's precision ({@code (float) value} for float32). */
    Operand<TNumber> constant(double value) {
        return cast(precision == Precision.FLOAT32 ? tf.constant((float) value) : tf.constant(value));
    }

    /** A placeholder of the graph's precision. */
    Placeholder<TNumber> placeholder() {
        return tf.placeholder(type);
    }

    @SuppressWarnings("unchecked")
    private static Operand<TNumber> cast(Operand<?> o) {
        return (Operand<TNumber>) o;
    }

    /**
     * The ops {@code build} adds to the graph, built once per {@code key}: trainers with the same optimizer
     * configuration share them (new ops per trainer would grow the graph and TensorFlow's executor cache).
     */
    @SuppressWarnings("unchecked")
    <T> T cached(Object key, java.util.function.Supplier<T> build) {
        Object value = cache.get(key);
        if (value == null) {
            value = build.get();
            cache.put(key, value);
        }
        return (T) value;
    }

    /** The training pass, added to the graph on first use. */
    Training training() {
        if (training == null) {
            Placeholder<TNumber> targets = tf.withName("targets").placeholder(type);
            Map<Integer, Placeholder<TNumber>> masks = new LinkedHashMap<>();
            Map<String, Output<TNumber>> buffers = new LinkedHashMap<>();
            Operand<TNumber> logits = forward(true, masks, buffers);
            Operand<TNumber> losses;
            if (precision == Precision.FLOAT32) {
                SoftmaxCrossEntropyWithLogits<TNumber> ce = tf.nn.softmaxCrossEntropyWithLogits(logits, targets);
                losses = ce.loss();
            } else {
                // The C++ gradient of SoftmaxCrossEntropyWithLogits multiplies by a float constant, which fails to
                // build for float64: -sum(targets * log_softmax(logits)), whose gradients exist for every type.
                losses = tf.math.neg(tf.sum(tf.math.mul(targets, tf.nn.logSoftmax(logits)), tf.constant(1)));
            }
            Operand<TNumber> mean = tf.math.mean(losses, tf.constant(0));
            List<ParamLayout> trained = net.trainedLayouts();
            Output<?>[] xs = new Output<?>[trained.size()];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = params.get(trained.get(i).name()).asOutput();
            }
            Output<?>[] dxs = xs.length == 0 ? new Output<?>[0] : graph.addGradients(mean.asOutput(), xs);
            Map<String, Output<TNumber>> grads = new LinkedHashMap<>();
            List<Operand<TNumber>> squares = new ArrayList<>();
            for (int i = 0; i < dxs.length; i++) {
                Output<TNumber> g = cast(dxs[i]).asOutput();
                grads.put(trained.get(i).name(), g);
                squares.add(tf.sum(tf.reshape(tf.math.mul(g, g), tf.constant(new int[] {-1})), tf.constant(0)));
            }
            Output<TNumber> square = squares.isEmpty() ? constant(0).asOutput() : tf.math.addN(squares).asOutput();
            training = new Training(targets, masks, losses.asOutput(), logits.asOutput(), grads, square, buffers);
        }
        return training;
    }

    /**
     * The forward pass. In training mode dropout multiplies by a mask placeholder per stage (put in {@code masks} by
     * stage index) and batch norm uses batch statistics, putting its updated running statistics in {@code buffers}.
     */
    private Operand<TNumber> forward(boolean train, Map<Integer, Placeholder<TNumber>> masks,
            Map<String, Output<TNumber>> buffers) {
        Operand<TNumber> h = input;
        List<Stage> stages = net.stages();
        for (int i = 0; i < stages.size(); i++) {
            h = stage(stages.get(i), i, h, train, masks, buffers);
        }
        return h;
    }

    private Operand<TNumber> stage(Stage s, int index, Operand<TNumber> h, boolean train,
            Map<Integer, Placeholder<TNumber>> masks, Map<String, Output<TNumber>> buffers) {
        // A switch expression without default: a new stage kind does not compile until it has its ops here.
        return switch (s.kind()) {
            case CONV -> {
                org.vgg4j.core.layer.Conv2d c = (org.vgg4j.core.layer.Conv2d) s.layer();
                Operand<TNumber> y = tf.nn.biasAdd(conv(c, h, params.get(s.weight())), params.get(s.bias()));
                yield s.fusedRelu() ? tf.nn.relu(y) : y;
            }
            case LINEAR -> {
                Operand<TNumber> y = tf.nn.biasAdd(tf.linalg.matMul(h, params.get(s.weight()), MatMul.transposeB(true)),
                        params.get(s.bias()));
                yield s.fusedRelu() ? tf.nn.relu(y) : y;
            }
            case RELU -> tf.nn.relu(h);
            case MAX_POOL -> {
                MaxPool2d m = (MaxPool2d) s.layer();
                yield cast(graph.opBuilder("MaxPool", tf.scope().makeOpName("MaxPool"), tf.scope())
                        .addInput(h.asOutput())
                        .setAttr("ksize", new long[] {1, m.kernelSize(), m.kernelSize(), 1})
                        .setAttr("strides", new long[] {1, m.stride(), m.stride(), 1})
                        .setAttr("padding", "VALID").setAttr("data_format", "NHWC").build().output(0));
            }
            case BATCH_NORM -> batchNorm(s, h, train, buffers);
            case AVG_POOL -> {
                AvgPool2d a = (AvgPool2d) s.layer();
                Operand<TNumber> padded = a.padding() == 0 ? h : tf.pad(h, tf.constant(new int[][] {{0, 0},
                    {a.padding(), a.padding()}, {a.padding(), a.padding()}, {0, 0}}), constant(0));
                yield avgPool(padded, a.kernelSize(), a.kernelSize(), a.stride(), a.stride());
            }
            case ADAPTIVE_AVG_POOL -> adaptiveAvgPool(s, h);
            case FLATTEN -> s.input().rank() == 2 ? h : tf.reshape(h, tf.constant(new int[] {-1, s.output().dim(1)}));
            case FLATTEN_NCHW -> tf.reshape(tf.linalg.transpose(h, tf.constant(new int[] {0, 3, 1, 2})),
                    tf.constant(new int[] {-1, s.output().dim(1)}));
            case DROPOUT -> {
                double p = ((Dropout) s.layer()).p();
                if (!train || p == 0) {
                    yield h;
                }
                Placeholder<TNumber> mask = tf.withName("mask" + index).placeholder(type);
                masks.put(index, mask);
                yield tf.math.mul(h, mask);
            }
        };
    }

    /**
     * A convolution (NHWC, HWIO): {@code SAME} for stride 1 and {@code 2 * padding = kernel - 1}, {@code VALID}
     * without padding, else an explicit zero {@code Pad} and a {@code VALID} convolution.
     */
    private Operand<TNumber> conv(org.vgg4j.core.layer.Conv2d c, Operand<TNumber> h, Operand<TNumber> w) {
        int stride = c.stride();
        int p = c.padding();
        List<Long> strides = List.of(1L, (long) stride, (long) stride, 1L);
        String mode = p == 0 ? "VALID" : stride == 1 && 2 * p == c.kernelSize() - 1 ? "SAME" : "EXPLICIT";
        if (mode.equals("EXPLICIT")) {
            // TensorFlow's C++ Conv2D gradient drops explicit_paddings (its Conv2DBackpropFilter then fails with
            // "explicit_paddings attribute must contain 8 values"): pad, then a VALID convolution.
            Operand<TNumber> padded = p == 0 ? h
                    : tf.pad(h, tf.constant(new int[][] {{0, 0}, {p, p}, {p, p}, {0, 0}}), constant(0));
            return tf.nn.conv2d(padded, w, strides, "VALID", Conv2d.dataFormat("NHWC"));
        }
        return tf.nn.conv2d(h, w, strides, mode, Conv2d.dataFormat("NHWC"));
    }

    private Operand<TNumber> avgPool(Operand<TNumber> h, int kh, int kw, int sh, int sw) {
        return tf.nn.avgPool(h, List.of(1L, (long) kh, (long) kw, 1L), List.of(1L, (long) sh, (long) sw, 1L), "VALID");
    }

    private Operand<TNumber> batchNorm(Stage s, Operand<TNumber> h, boolean train,
            Map<String, Output<TNumber>> buffers) {
        BatchNorm2d b = (BatchNorm2d) s.layer();
        String p = s.path();
        Operand<TNumber> scale = params.get(p + ".weight");
        Operand<TNumber> offset = params.get(p + ".bias");
        Operand<TNumber> mean = params.get(p + ".running_mean");
        Operand<TNumber> var = params.get(p + ".running_var");
        if (precision == Precision.FLOAT32) {
            FusedBatchNorm<TNumber, TNumber> bn = tf.nn.fusedBatchNorm(h, scale, offset, mean, var,
                    FusedBatchNorm.epsilon((float) b.eps()), FusedBatchNorm.isTraining(train),
                    FusedBatchNorm.exponentialAvgFactor(train ? (float) b.momentum() : 1f),
                    FusedBatchNorm.dataFormat("NHWC"));
            if (train) {
                // Given the running statistics and exponential_avg_factor = momentum, the kernel returns
                // (1 - momentum) * running + momentum * batch, the batch variance being the unbiased one (PyTorch's).
                buffers.put(p + ".running_mean", bn.batchMean());
                buffers.put(p + ".running_var", bn.batchVariance());
            }
            return bn.y();
        }
        // FusedBatchNormV3 has no float64 kernel: PyTorch's formulas, element-wise.
        if (!train) {
            Operand<TNumber> invStd = tf.math.rsqrt(tf.math.add(var, constant(b.eps())));
            return tf.math.add(tf.math.mul(tf.math.mul(tf.math.sub(h, mean), invStd), scale), offset);
        }
        Operand<TInt32> nhw = tf.constant(new int[] {0, 1, 2});
        Operand<TNumber> batchMean = tf.math.mean(h, nhw);
        Operand<TNumber> centred = tf.math.sub(h, batchMean);
        Operand<TNumber> batchVar = tf.math.mean(tf.math.mul(centred, centred), nhw);
        Operand<TNumber> invStd = tf.math.rsqrt(tf.math.add(batchVar, constant(b.eps())));
        // n / (n - 1) with n = N*H*W, from the runtime shape
        Operand<TNumber> n = tf.dtypes.cast(tf.math.div(tf.size(h), tf.constant(s.input().dim(1))), type);
        Operand<TNumber> unbias = tf.math.div(n, tf.math.sub(n, constant(1)));
        double m = b.momentum();
        buffers.put(p + ".running_mean", tf.math.add(tf.math.mul(mean, constant(1 - m)),
                tf.math.mul(batchMean, constant(m))).asOutput());
        buffers.put(p + ".running_var", tf.math.add(tf.math.mul(var, constant(1 - m)),
                tf.math.mul(tf.math.mul(batchVar, unbias), constant(m))).asOutput());
        return tf.math.add(tf.math.mul(tf.math.mul(centred, invStd), scale), offset);
    }

    private Operand<TNumber> adaptiveAvgPool(Stage s, Operand<TNumber> h) {
        AdaptiveAvgPool2d a = (AdaptiveAvgPool2d) s.layer();
        int c = s.input().dim(1);
        int hi = s.input().dim(2);
        int wi = s.input().dim(3);
        if (hi == a.outH() && wi == a.outW()) {
            return h;
        }
        if (hi % a.outH() == 0 && wi % a.outW() == 0) {
            return avgPool(h, hi / a.outH(), wi / a.outW(), hi / a.outH(), wi / a.outW());
        }
        double[] m = TfGraph.averagingMatrix(a, hi, wi);
        int rows = a.outH() * a.outW();
        Operand<TNumber> matrix;
        if (precision == Precision.FLOAT32) {
            float[][] f = new float[rows][hi * wi];
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < hi * wi; j++) {
                    f[r][j] = (float) m[r * hi * wi + j];
                }
            }
            matrix = cast(tf.constant(f));
        } else {
            double[][] d = new double[rows][hi * wi];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(m, r * hi * wi, d[r], 0, hi * wi);
            }
            matrix = cast(tf.constant(d));
        }
        Operand<TNumber> flat = tf.reshape(h, tf.constant(new int[] {-1, hi * wi, c}));
        Operand<TNumber> y = tf.train.batchMatMul(matrix, flat, type);
        return tf.reshape(y, tf.constant(new int[] {-1, a.outH(), a.outW(), c}));
    }

    @Override
    public void close() {
        session.close();
        graph.close();
    }
}
