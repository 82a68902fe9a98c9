package org.vgg4j.backend.tensorflow;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.vgg4j.core.LayerNode;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.layer.AdaptiveAvgPool2d;
import org.vgg4j.core.layer.AvgPool2d;
import org.vgg4j.core.layer.BatchNorm2d;
import org.vgg4j.core.layer.Conv2d;
import org.vgg4j.core.layer.Dropout;
import org.vgg4j.core.layer.Flatten;
import org.vgg4j.core.layer.Layer;
import org.vgg4j.core.layer.LayerVisitor;
import org.vgg4j.core.layer.Linear;
import org.vgg4j.core.layer.MaxPool2d;
import org.vgg4j.core.layer.Relu;

/**
 * A core {@link Network} compiled to TensorFlow kernels: an immutable list of {@link Stage}s with explicit forward and
 * backward passes in NHWC layout, and the engine layout of every parameter.
 *
 * <p>Layout: activations are NHWC from the input on; a flatten is a plain reshape of NHWC data, and the first linear
 * layer after it keeps its weight columns in NHWC order ({@link ParamLayout.Kind#FC_AFTER_FLATTEN}), so the network
 * computes exactly what the NCHW network computes without transposing any activation. The only exceptions are outputs
 * that are not logits: a network that ends in an image-shaped activation is returned in NHWC (the session transposes it
 * on the host), and a flatten that ends the network without a linear layer transposes to NCHW order on the engine.
 */
final class TfGraph {

    private final Network network;
    private final List<Stage> stages;
    private final List<ParamLayout> layouts;
    private final List<ParamLayout> trained;
    private final List<ParamLayout> buffers;
    private final List<String> counters;

    private TfGraph(Network network, List<Stage> stages, List<ParamLayout> layouts, List<ParamLayout> buffers,
            List<String> counters) {
        this.network = network;
        this.stages = List.copyOf(stages);
        this.layouts = List.copyOf(layouts);
        this.trained = layouts.stream().filter(l -> !network.isFrozen(l.name())).toList();
        this.buffers = List.copyOf(buffers);
        this.counters = List.copyOf(counters);
    }

    /**
     * The stage each kind of layer compiles to: a new core layer makes the compiler ask for its stage here (a
     * convolution or linear layer followed by a ReLU compiles to one fused stage).
     */
    private static final LayerVisitor<Stage.Kind> STAGE_KIND = new LayerVisitor<>() {
        @Override
        public Stage.Kind conv2d(Conv2d layer) {
            return Stage.Kind.CONV;
        }

        @Override
        public Stage.Kind relu(Relu layer) {
            return Stage.Kind.RELU;
        }

        @Override
        public Stage.Kind maxPool2d(MaxPool2d layer) {
            return Stage.Kind.MAX_POOL;
        }

        @Override
        public Stage.Kind flatten(Flatten layer) {
            return Stage.Kind.FLATTEN;
        }

        @Override
        public Stage.Kind linear(Linear layer) {
            return Stage.Kind.LINEAR;
        }

        @Override
        public Stage.Kind dropout(Dropout layer) {
            return Stage.Kind.DROPOUT;
        }

        @Override
        public Stage.Kind batchNorm2d(BatchNorm2d layer) {
            return Stage.Kind.BATCH_NORM;
        }

        @Override
        public Stage.Kind adaptiveAvgPool2d(AdaptiveAvgPool2d layer) {
            return Stage.Kind.ADAPTIVE_AVG_POOL;
        }

        @Override
        public Stage.Kind avgPool2d(AvgPool2d layer) {
            return Stage.Kind.AVG_POOL;
        }
    };

    /** Compiles {@code network}. */
    static TfGraph compile(Network network) {
        List<LayerNode> leaves = network.leaves(1);
        List<Stage> stages = new ArrayList<>();
        List<ParamLayout> layouts = new ArrayList<>();
        List<ParamLayout> buffers = new ArrayList<>();
        List<String> counters = new ArrayList<>();
        Shape in = network.sampleShape().prepend(1);
        int[] flattenedChw = null;
        int flattenStage = -1;
        for (int i = 0; i < leaves.size(); i++) {
            LayerNode node = leaves.get(i);
            Layer layer = node.layer();
            Stage.Kind kind = layer.accept(STAGE_KIND);
            boolean nextIsRelu = i + 1 < leaves.size()
                    && leaves.get(i + 1).layer().accept(STAGE_KIND) == Stage.Kind.RELU;
            Shape out = node.outputShape();
            if (kind == Stage.Kind.CONV) {
                Shape afterRelu = nextIsRelu ? leaves.get(i + 1).outputShape() : out;
                stages.add(new Stage(Stage.Kind.CONV, node.path(), layer, nextIsRelu, in, afterRelu));
                layouts.add(ParamLayout.conv(node.path() + ".weight", layer.parameters().get(0).shape()));
                layouts.add(ParamLayout.plain(node.path() + ".bias", layer.parameters().get(1).shape()));
                if (nextIsRelu) {
                    i++;
                }
                out = afterRelu;
            } else if (kind == Stage.Kind.LINEAR) {
                Shape weightShape = layer.parameters().get(0).shape();
                stages.add(new Stage(Stage.Kind.LINEAR, node.path(), layer, nextIsRelu, in, out));
                if (flattenedChw != null) {
                    layouts.add(ParamLayout.fcAfterFlatten(node.path() + ".weight", weightShape, flattenedChw[0],
                            flattenedChw[1], flattenedChw[2]));
                    flattenedChw = null;
                } else {
                    layouts.add(ParamLayout.plain(node.path() + ".weight", weightShape));
                }
                layouts.add(ParamLayout.plain(node.path() + ".bias", layer.parameters().get(1).shape()));
                if (nextIsRelu) {
                    i++;
                }
            } else if (kind == Stage.Kind.BATCH_NORM) {
                Shape c = layer.parameters().get(0).shape();
                stages.add(new Stage(Stage.Kind.BATCH_NORM, node.path(), layer, false, in, out));
                layouts.add(ParamLayout.plain(node.path() + ".weight", c));
                layouts.add(ParamLayout.plain(node.path() + ".bias", c));
                buffers.add(ParamLayout.plain(node.path() + ".running_mean", c));
                buffers.add(ParamLayout.plain(node.path() + ".running_var", c));
                counters.add(node.path() + ".num_batches_tracked");
            } else if (kind == Stage.Kind.AVG_POOL || kind == Stage.Kind.ADAPTIVE_AVG_POOL) {
                stages.add(new Stage(kind, node.path(), layer, false, in, out));
            } else if (kind == Stage.Kind.RELU) {
                stages.add(new Stage(Stage.Kind.RELU, node.path(), layer, false, in, out));
            } else if (kind == Stage.Kind.MAX_POOL) {
                stages.add(new Stage(Stage.Kind.MAX_POOL, node.path(), layer, false, in, out));
            } else if (kind == Stage.Kind.FLATTEN) {
                stages.add(new Stage(Stage.Kind.FLATTEN, node.path(), layer, false, in, out));
                if (in.rank() == 4) {
                    flattenedChw = new int[] {in.dim(1), in.dim(2), in.dim(3)};
                    flattenStage = stages.size() - 1;
                } else if (in.rank() != 2) {
                    throw new IllegalArgumentException("the tensorflow backend flattens rank-4 (NCHW) or rank-2 input "
                            + "only; layer '" + node.path() + "' gets " + in);
                }
            } else {
                stages.add(new Stage(Stage.Kind.DROPOUT, node.path(), layer, false, in, out));
            }
            in = out;
        }
        // A flatten that no linear layer consumes is (part of) the network's output, which callers read in core's NCHW
        // feature order: that one flatten transposes (element-wise layers after it do not care about the order).
        if (flattenedChw != null) {
            Stage f = stages.get(flattenStage);
            stages.set(flattenStage, new Stage(Stage.Kind.FLATTEN_NCHW, f.path(), f.layer(), false, f.input(),
                    f.output()));
        }
        return new TfGraph(network, stages, layouts, buffers, counters);
    }

    Network network() {
        return network;
    }

    int stageCount() {
        return stages.size();
    }

    /** Every parameter's layout (frozen ones included: the session holds and loads them all), in the network's order. */
    List<ParamLayout> layouts() {
        return layouts;
    }

    /**
     * The trained parameters' layouts (what gradients and optimizer state hold): {@link #layouts()} without the
     * network's frozen parameters, in the network's order.
     */
    List<ParamLayout> trainedLayouts() {
        return trained;
    }

    /** The float buffers (batch norm's running statistics), kept as engine arrays next to the parameters. */
    List<ParamLayout> buffers() {
        return buffers;
    }

    /** The int64 counters (batch norm's {@code num_batches_tracked}), kept on the host. */
    List<String> counters() {
        return counters;
    }

    /** What a forward pass keeps for the backward pass. */
    static final class Saved {
        final NDArray[] inputs;
        final NDArray[] outputs;
        final NDArray[] masks;
        /** Per stage: batch norm's reserve spaces, or an adaptive pool's averaging matrix. */
        final NDArray[][] extras;
        /** The running statistics a training pass computed, by buffer name, for the trainer to store after a step. */
        final Map<String, NDArray> buffers = new LinkedHashMap<>();
        final int batch;

        Saved(int stages, int batch) {
            inputs = new NDArray[stages];
            outputs = new NDArray[stages];
            masks = new NDArray[stages];
            extras = new NDArray[stages][];
            this.batch = batch;
        }
    }

    /**
     * Logits [N, classes] for {@code x} (NHWC, already validated); in training mode applies dropout with masks drawn from
     * {@code rng} and records in {@code saved} what {@link #backward} needs.
     */
    NDArray forward(Kernels k, Map<String, NDArray> params, NDArray x, int batch, boolean training,
            SplittableRandom rng, Saved saved) {
        NDArray h = x;
        for (int i = 0; i < stages.size(); i++) {
            Stage s = stages.get(i);
            if (saved != null) {
                saved.inputs[i] = h;
            }
            h = forwardStage(k, params, s, h, batch, training, rng, saved, i);
            if (saved != null) {
                saved.outputs[i] = h;
            }
        }
        return h;
    }

    private NDArray forwardStage(Kernels k, Map<String, NDArray> params, Stage s, NDArray h, int batch,
            boolean training, SplittableRandom rng, Saved saved, int index) {
        switch (s.kind()) {
            case CONV: {
                Conv2d c = (Conv2d) s.layer();
                return k.convBiasRelu(h, params.get(s.weight()), params.get(s.bias()), geometry(c), s.fusedRelu());
            }
            case LINEAR:
                return k.linear(h, params.get(s.weight()), params.get(s.bias()), s.fusedRelu());
            case RELU:
                return k.relu(h);
            case MAX_POOL: {
                MaxPool2d m = (MaxPool2d) s.layer();
                if (saved != null && k.onednnPool()) {
                    NDArray[] ya = k.mklMaxPool(h, m.kernelSize(), m.stride());
                    saved.masks[index] = ya[1];
                    return ya[0];
                }
                return k.maxPool(h, m.kernelSize(), m.stride());
            }
            case BATCH_NORM:
                return batchNorm(k, params, s, h, batch, training, saved, index);
            case AVG_POOL: {
                AvgPool2d a = (AvgPool2d) s.layer();
                NDArray padded = a.padding() > 0 ? k.pad(h, a.padding()) : h;
                return k.avgPool(padded, a.kernelSize(), a.kernelSize(), a.stride(), a.stride());
            }
            case ADAPTIVE_AVG_POOL:
                return adaptiveAvgPool(k, s, h, batch, saved, index);
            case FLATTEN:
                return s.input().rank() == 2 ? h : k.reshape(h, batch, s.output().dim(1));
            case FLATTEN_NCHW:
                return k.reshape(k.transpose(h, 0, 3, 1, 2), batch, s.output().dim(1));
            case DROPOUT: {
                double p = ((Dropout) s.layer()).p();
                if (!training || p == 0) {
                    return h;
                }
                long[] shape = Stage.engineShape(s.input(), batch);
                int n = Math.toIntExact(Shape.of(toInts(shape)).elementCount());
                float keep = (float) (1.0 / (1.0 - p));
                float[] mask = new float[n];
                for (int j = 0; j < n; j++) {
                    mask[j] = rng.nextDouble() < p ? 0f : keep;
                }
                NDArray m = k.array(mask, shape);
                if (saved != null) {
                    saved.masks[index] = m;
                }
                return k.mul(h, m);
            }
            default:
                throw new IllegalStateException("unknown stage " + s.kind());
        }
    }

    private static NDArray batchNorm(Kernels k, Map<String, NDArray> params, Stage s, NDArray h, int batch,
            boolean training, Saved saved, int index) {
        BatchNorm2d b = (BatchNorm2d) s.layer();
        String p = s.path();
        NDArray scale = params.get(p + ".weight");
        NDArray offset = params.get(p + ".bias");
        NDArray mean = params.get(p + ".running_mean");
        NDArray var = params.get(p + ".running_var");
        if (!training) {
            return k.fusedBatchNormEval(h, scale, offset, mean, var, b.eps());
        }
        if ((long) batch * s.input().dim(2) * s.input().dim(3) < 2) {
            throw new IllegalArgumentException("layer '" + p + "' (" + b.describe() + ") needs more than 1 value per "
                    + "channel to train, got input " + s.input().withBatch(batch) + "; use a larger batch");
        }
        NDArray[] out = k.fusedBatchNormTrain(h, scale, offset, mean, var, b.eps(), b.momentum());
        if (saved != null) {
            saved.extras[index] = new NDArray[] {out[3], out[4], out[5]};
            saved.buffers.put(p + ".running_mean", out[1]);
            saved.buffers.put(p + ".running_var", out[2]);
        }
        return out[0];
    }

    /** Where an adaptive pool's bins are all {@code H/outH x W/outW} windows at that stride: a plain average pool. */
    private static boolean uniformBins(Stage s) {
        AdaptiveAvgPool2d a = (AdaptiveAvgPool2d) s.layer();
        return s.input().dim(2) % a.outH() == 0 && s.input().dim(3) % a.outW() == 0;
    }

    private static NDArray adaptiveAvgPool(Kernels k, Stage s, NDArray h, int batch, Saved saved, int index) {
        AdaptiveAvgPool2d a = (AdaptiveAvgPool2d) s.layer();
        int c = s.input().dim(1);
        int hi = s.input().dim(2);
        int wi = s.input().dim(3);
        if (hi == a.outH() && wi == a.outW()) {
            return h;
        }
        if (uniformBins(s)) {
            return k.avgPool(h, hi / a.outH(), wi / a.outW(), hi / a.outH(), wi / a.outW());
        }
        NDArray m = k.array(averagingMatrix(a, hi, wi), (long) a.outH() * a.outW(), (long) hi * wi);
        if (saved != null) {
            saved.extras[index] = new NDArray[] {m};
        }
        NDArray y = k.batchMatMul(m, k.reshape(h, batch, (long) hi * wi, c), false);
        return k.reshape(y, batch, a.outH(), a.outW(), c);
    }

    /**
     * The [outH * outW, H * W] matrix whose row {@code i * outW + j} averages PyTorch's bin (i, j) of an H x W image:
     * rows {@link AdaptiveAvgPool2d#binStart} to {@link AdaptiveAvgPool2d#binEnd}, and the same for columns.
     */
    static double[] averagingMatrix(AdaptiveAvgPool2d a, int hi, int wi) {
        double[] m = new double[a.outH() * a.outW() * hi * wi];
        for (int i = 0; i < a.outH(); i++) {
            int h0 = AdaptiveAvgPool2d.binStart(i, hi, a.outH());
            int h1 = AdaptiveAvgPool2d.binEnd(i, hi, a.outH());
            for (int j = 0; j < a.outW(); j++) {
                int w0 = AdaptiveAvgPool2d.binStart(j, wi, a.outW());
                int w1 = AdaptiveAvgPool2d.binEnd(j, wi, a.outW());
                double inv = 1.0 / ((h1 - h0) * (w1 - w0));
                int row = (i * a.outW() + j) * hi * wi;
                for (int y = h0; y < h1; y++) {
                    for (int x = w0; x < w1; x++) {
                        m[row + y * wi + x] = inv;
                    }
                }
            }
        }
        return m;
    }

    /**
     * Gradients (engine layout, by parameter name) of the loss whose gradient with respect to the logits is
     * {@code dLogits}, given the forward pass recorded in {@code saved}.
     */
    Map<String, NDArray> backward(Kernels k, Map<String, NDArray> params, NDArray dLogits, Saved saved) {
        Map<String, NDArray> grads = new LinkedHashMap<>();
        NDArray dy = dLogits;
        // Stages before the first one with a trained parameter need no gradient: with frozen features the backward
        // pass stops at the classifier.
        int firstWithParams = firstStageWithTrainedParameters();
        for (int i = stages.size() - 1; i >= 0 && i >= firstWithParams; i--) {
            Stage s = stages.get(i);
            boolean needInput = i > firstWithParams;
            dy = backwardStage(k, params, s, i, dy, saved, grads, needInput);
        }
        // frozen parameters have no gradient (a frozen stage after a trained one still passes its input's gradient on)
        grads.keySet().removeIf(network::isFrozen);
        return grads;
    }

    private int firstStageWithTrainedParameters() {
        for (int i = 0; i < stages.size(); i++) {
            Stage s = stages.get(i);
            Stage.Kind kind = s.kind();
            if ((kind == Stage.Kind.CONV || kind == Stage.Kind.LINEAR || kind == Stage.Kind.BATCH_NORM)
                    && !(network.isFrozen(s.weight()) && network.isFrozen(s.bias()))) {
                return i;
            }
        }
        return stages.size();
    }

    private NDArray backwardStage(Kernels k, Map<String, NDArray> params, Stage s, int i, NDArray dy, Saved saved,
            Map<String, NDArray> grads, boolean needInput) {
        NDArray x = saved.inputs[i];
        NDArray y = saved.outputs[i];
        switch (s.kind()) {
            case CONV: {
                Conv2d c = (Conv2d) s.layer();
                Kernels.ConvGeometry g = geometry(c);
                NDArray dz = s.fusedRelu() ? k.reluGrad(dy, y) : dy;
                NDArray w = params.get(s.weight());
                long[] filterShape = {c.kernelSize(), c.kernelSize(), c.inChannels(), c.outChannels()};
                grads.put(s.bias(), k.biasAddGrad(dz));
                grads.put(s.weight(), k.convFilterGrad(x, filterShape, dz, g));
                return needInput ? k.convInputGrad(Stage.engineShape(s.input(), saved.batch), w, dz, g) : null;
            }
            case LINEAR: {
                NDArray dz = s.fusedRelu() ? k.reluGrad(dy, y) : dy;
                grads.put(s.bias(), k.biasAddGrad(dz));
                grads.put(s.weight(), k.matMul(dz, x, true, false));
                return needInput ? k.matMul(dz, params.get(s.weight()), false, false) : null;
            }
            case RELU:
                return k.reluGrad(dy, y);
            case MAX_POOL: {
                MaxPool2d m = (MaxPool2d) s.layer();
                if (saved.masks[i] != null) {
                    return k.mklMaxPoolGrad(x, y, dy, saved.masks[i], m.kernelSize(), m.stride());
                }
                return k.maxPoolGrad(x, y, dy, m.kernelSize(), m.stride());
            }
            case BATCH_NORM: {
                BatchNorm2d b = (BatchNorm2d) s.layer();
                NDArray[] g = k.fusedBatchNormGrad(dy, x, params.get(s.weight()), saved.extras[i], b.eps());
                grads.put(s.weight(), g[1]);
                grads.put(s.bias(), g[2]);
                return needInput ? g[0] : null;
            }
            case AVG_POOL: {
                AvgPool2d a = (AvgPool2d) s.layer();
                long[] shape = Stage.engineShape(s.input(), saved.batch);
                int p = a.padding();
                if (p == 0) {
                    return k.avgPoolGrad(shape, dy, a.kernelSize(), a.kernelSize(), a.stride(), a.stride());
                }
                long[] padded = {shape[0], shape[1] + 2L * p, shape[2] + 2L * p, shape[3]};
                NDArray d = k.avgPoolGrad(padded, dy, a.kernelSize(), a.kernelSize(), a.stride(), a.stride());
                return k.unpad(d, p, shape);
            }
            case ADAPTIVE_AVG_POOL: {
                AdaptiveAvgPool2d a = (AdaptiveAvgPool2d) s.layer();
                long[] shape = Stage.engineShape(s.input(), saved.batch);
                int hi = s.input().dim(2);
                int wi = s.input().dim(3);
                if (hi == a.outH() && wi == a.outW()) {
                    return dy;
                }
                if (uniformBins(s)) {
                    return k.avgPoolGrad(shape, dy, hi / a.outH(), wi / a.outW(), hi / a.outH(), wi / a.outW());
                }
                NDArray d = k.reshape(dy, saved.batch, (long) a.outH() * a.outW(), s.input().dim(1));
                return k.reshape(k.batchMatMul(saved.extras[i][0], d, true), shape);
            }
            case FLATTEN:
                return s.input().rank() == 2 ? dy : k.reshape(dy, Stage.engineShape(s.input(), saved.batch));
            case FLATTEN_NCHW: {
                Shape in = s.input();
                return k.transpose(k.reshape(dy, saved.batch, in.dim(1), in.dim(2), in.dim(3)), 0, 2, 3, 1);
            }
            case DROPOUT:
                return saved.masks[i] == null ? dy : k.mul(dy, saved.masks[i]);
            default:
                throw new IllegalStateException("unknown stage " + s.kind());
        }
    }

    private static Kernels.ConvGeometry geometry(Conv2d c) {
        return new Kernels.ConvGeometry(c.stride(), c.padding(), c.kernelSize());
    }

    private static int[] toInts(long[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.toIntExact(v[i]);
        }
        return out;
    }
}
