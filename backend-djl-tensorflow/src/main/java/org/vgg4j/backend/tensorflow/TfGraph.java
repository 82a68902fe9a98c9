package org.vgg4j.backend.tensorflow;

import java.util.ArrayList;
import java.util.List;
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
 * A core {@link Network} compiled for TensorFlow: an immutable list of {@link Stage}s in NHWC layout, which
 * {@link NetGraph} turns into one graph, and the engine layout of every parameter.
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

    /** The stages, in order. */
    List<Stage> stages() {
        return stages;
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
}
