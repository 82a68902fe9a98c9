package org.vgg4j.backend.pytorch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.vgg4j.core.LayerNode;
import org.vgg4j.core.Network;
import org.vgg4j.core.layer.AdaptiveAvgPool2d;
import org.vgg4j.core.layer.AvgPool2d;
import org.vgg4j.core.layer.BatchNorm2d;
import org.vgg4j.core.layer.Conv2d;
import org.vgg4j.core.layer.Dropout;
import org.vgg4j.core.layer.Flatten;
import org.vgg4j.core.layer.LayerVisitor;
import org.vgg4j.core.layer.Linear;
import org.vgg4j.core.layer.MaxPool2d;
import org.vgg4j.core.layer.ParameterSpec;
import org.vgg4j.core.layer.Relu;

/**
 * A core {@link Network} compiled to a flat list of libtorch operations (functional style: the state tensors, parameters
 * and buffers, are passed in as arrays indexed like {@link Network#parameterSpecs()}), so one forward pass is one JNI
 * call per layer and autograd sees exactly PyTorch's {@code conv2d}, {@code relu}, {@code max_pool2d},
 * {@code linear}, {@code dropout}, {@code batch_norm}, {@code avg_pool2d} and {@code adaptive_avg_pool2d}. In
 * training mode an operation may update a buffer in place (batch norm's running statistics and batch count).
 */
final class CompiledNetwork {

    /** One compiled layer. */
    private interface Op {
        NDArray apply(NDArray x, NDArray[] params, boolean training);
    }

    /**
     * A convolution, with a work-around for libtorch 2.7.1's CPU convolution (oneDNN 3.7.1), which was measured to be
     * wrong on this project's AVX-512 machines in two cases (see the README): the forward result when there are more
     * than 16 input channels and their count is not a multiple of 16, and the input gradient when the output channels
     * are not a multiple of 16 (non-deterministic garbage). {@code padIn} zero channels are appended to the input and
     * zero columns to the filters (always), and in training {@code padOut} all-zero filters are appended and their
     * outputs sliced off again; both leave the result and every gradient mathematically unchanged.
     */
    private record ConvOp(int weight, int bias, Shape stride, Shape padding, int padIn, int padOut) implements Op {
        private static final Shape DILATION = new Shape(1, 1);

        @Override
        public NDArray apply(NDArray x, NDArray[] params, boolean training) {
            NDArray w = params[weight];
            NDArray b = params[bias];
            int out = training ? padOut : 0;
            if (padIn == 0 && out == 0) {
                return conv(x, w, b);
            }
            NDManager scope = x.getManager();
            List<NDArray> temporaries = new ArrayList<>();
            Shape ws = w.getShape();
            if (padIn > 0) {
                Shape xs = x.getShape();
                x = keep(temporaries, x.concat(keep(temporaries,
                        scope.zeros(new Shape(xs.get(0), padIn, xs.get(2), xs.get(3)))), 1));
                w = keep(temporaries, w.concat(keep(temporaries,
                        scope.zeros(new Shape(ws.get(0), padIn, ws.get(2), ws.get(3)))), 1));
                w.attach(scope);
            }
            if (out > 0) {
                w = keep(temporaries, w.concat(keep(temporaries,
                        scope.zeros(new Shape(out, ws.get(1) + padIn, ws.get(2), ws.get(3)))), 0));
                w.attach(scope);
                b = keep(temporaries, b.concat(keep(temporaries, scope.zeros(new Shape(out))), 0));
                b.attach(scope);
            }
            NDArray y = conv(x, w, b);
            if (out > 0) {
                y = y.get(new NDIndex(":, 0:" + ws.get(0)));
            }
            if (!training) {
                temporaries.forEach(NDArray::close);
            }
            return y;
        }

        private NDArray conv(NDArray x, NDArray w, NDArray b) {
            return x.getNDArrayInternal().convolution(x, w, b, stride, padding, DILATION, 1).singletonOrThrow();
        }

        private static NDArray keep(List<NDArray> temporaries, NDArray a) {
            temporaries.add(a);
            return a;
        }
    }

    private record LinearOp(int weight, int bias) implements Op {
        @Override
        public NDArray apply(NDArray x, NDArray[] params, boolean training) {
            return x.getNDArrayInternal().linear(x, params[weight], params[bias]).singletonOrThrow();
        }
    }

    private record PoolOp(Shape kernel, Shape stride) implements Op {
        private static final Shape NO_PADDING = new Shape(0, 0);

        @Override
        public NDArray apply(NDArray x, NDArray[] params, boolean training) {
            return x.getNDArrayInternal().maxPool(kernel, stride, NO_PADDING, false);
        }
    }

    /**
     * libtorch's {@code batch_norm} (through DJL's {@code NDArrayEx.batchNorm}, axis -1 being its direct path), which
     * in training normalises with the batch statistics and updates the running ones in place; DJL passes
     * {@code 1 - momentum} to libtorch, so PyTorch's momentum {@code m} is given as {@code 1 - m}. libtorch's
     * functional op does not count batches, so {@code num_batches_tracked} is incremented here, as
     * {@code nn.BatchNorm2d} does.
     */
    private record BatchNormOp(int weight, int bias, int mean, int var, int count, float momentum, float eps)
            implements Op {
        @Override
        public NDArray apply(NDArray x, NDArray[] params, boolean training) {
            NDArray y = x.getNDArrayInternal().batchNorm(x, params[mean], params[var], params[weight], params[bias],
                    -1, 1 - momentum, eps, training).singletonOrThrow();
            if (training) {
                params[count].addi(1L);
            }
            return y;
        }
    }

    /** PyTorch's {@code avg_pool2d} with {@code count_include_pad=True}, floor rounding. */
    private record AvgPoolOp(Shape kernel, Shape stride, Shape padding) implements Op {
        @Override
        public NDArray apply(NDArray x, NDArray[] params, boolean training) {
            return x.getNDArrayInternal().avgPool(kernel, stride, padding, false, true);
        }
    }

    /** PyTorch's {@code adaptive_avg_pool2d} (DJL has it in its libtorch JNI only). */
    private record AdaptiveAvgPoolOp(Shape output) implements Op {
        @Override
        public NDArray apply(NDArray x, NDArray[] params, boolean training) {
            return JniUtils.adaptiveAvgPool((PtNDArray) x, output);
        }
    }

    private record ReluOp() implements Op {
        @Override
        public NDArray apply(NDArray x, NDArray[] params, boolean training) {
            return x.getNDArrayInternal().relu();
        }
    }

    private record FlattenOp() implements Op {
        @Override
        public NDArray apply(NDArray x, NDArray[] params, boolean training) {
            return x.reshape(x.getShape().get(0), -1);
        }
    }

    /**
     * Re-lays a rank-4 {@code [N, C, H, W]} tensor out in memory as channels-last (NHWC) while keeping its logical
     * shape, which is what PyTorch's {@code x.contiguous(memory_format=torch.channels_last)} does; DJL 0.36 exposes no
     * memory format, so it is {@code permute(0, 2, 3, 1)}, a flattening {@code reshape} (which copies, unless
     * {@code C == 1}, where it is a view) and the inverse permute. libtorch's oneDNN convolution then takes and returns
     * NHWC tensors, and ReLU and max pooling keep the format, so no layer reorders activations to and from oneDNN's
     * layout; {@code Flatten}'s {@code reshape} copies back to NCHW order, so the logits are unchanged.
     */
    private record ChannelsLastOp() implements Op {
        @Override
        public NDArray apply(NDArray x, NDArray[] params, boolean training) {
            Shape s = x.getShape();
            if (s.dimension() != 4) {
                return x;
            }
            NDArray nhwc = x.transpose(0, 2, 3, 1);
            NDArray flat = nhwc.reshape(-1);
            NDArray dense = flat.reshape(s.get(0), s.get(2), s.get(3), s.get(1));
            NDArray y = dense.transpose(0, 3, 1, 2);
            if (!training) {
                // y keeps the storage alive; the intermediate handles are only views of it or of x
                nhwc.close();
                flat.close();
                dense.close();
            }
            return y;
        }
    }

    private record DropoutOp(float p) implements Op {
        @Override
        public NDArray apply(NDArray x, NDArray[] params, boolean training) {
            return training ? x.getNDArrayInternal().dropout(x, p, true).singletonOrThrow() : x;
        }
    }

    private final List<Op> ops;

    private CompiledNetwork(List<Op> ops) {
        this.ops = List.copyOf(ops);
    }

    /**
     * System property that turns the channels-last input layout off (on by default on the CPU; see
     * {@link ChannelsLastOp} and the README for the measured effect).
     */
    static final String CHANNELS_LAST_PROPERTY = "vgg4j.pytorch.channelsLast";

    /** Channel multiple that keeps libtorch's CPU convolution backward exact (see {@link ConvOp}). */
    static final int SAFE_CHANNEL_BLOCK = 16;

    /**
     * Compiles every leaf layer of {@code network}; dropout with p = 0 compiles to nothing. On the CPU the input is
     * first laid out channels-last unless {@value #CHANNELS_LAST_PROPERTY} is {@code false}.
     *
     * @param cpu true when the session runs on the CPU, where the oneDNN work-around of {@link ConvOp} is needed
     */
    static CompiledNetwork compile(Network network, boolean cpu) {
        Map<String, Integer> index = new HashMap<>();
        List<ParameterSpec> specs = network.parameterSpecs();
        for (int i = 0; i < specs.size(); i++) {
            index.put(specs.get(i).name(), i);
        }
        Compiler compiler = new Compiler(index, cpu);
        List<Op> ops = new ArrayList<>();
        if (cpu && Boolean.parseBoolean(System.getProperty(CHANNELS_LAST_PROPERTY, "true"))) {
            ops.add(new ChannelsLastOp());
        }
        for (LayerNode node : network.leaves(1)) {
            compiler.path = node.path();
            Op op = node.layer().accept(compiler);
            if (op != null) {
                ops.add(op);
            }
        }
        return new CompiledNetwork(ops);
    }

    /**
     * The libtorch operation of one leaf layer, or null for a layer that computes nothing; state tensors are found by
     * their {@code state_dict} name in the session's array.
     */
    private static final class Compiler implements LayerVisitor<Op> {
        private final Map<String, Integer> index;
        private final boolean cpu;
        private String path;
        /** Whether an earlier layer has parameters, so that the current input needs a gradient. */
        private boolean inputNeedsGradient;

        Compiler(Map<String, Integer> index, boolean cpu) {
            this.index = index;
            this.cpu = cpu;
        }

        private int tensor(String local) {
            return index.get(path + "." + local);
        }

        @Override
        public Op conv2d(Conv2d c) {
            int inRest = c.inChannels() % SAFE_CHANNEL_BLOCK;
            int outRest = c.outChannels() % SAFE_CHANNEL_BLOCK;
            int padIn = cpu && c.inChannels() > SAFE_CHANNEL_BLOCK && inRest != 0 ? SAFE_CHANNEL_BLOCK - inRest : 0;
            int padOut = cpu && inputNeedsGradient && outRest != 0 ? SAFE_CHANNEL_BLOCK - outRest : 0;
            inputNeedsGradient = true;
            return new ConvOp(tensor("weight"), tensor("bias"), new Shape(c.stride(), c.stride()),
                    new Shape(c.padding(), c.padding()), padIn, padOut);
        }

        @Override
        public Op linear(Linear l) {
            inputNeedsGradient = true;
            return new LinearOp(tensor("weight"), tensor("bias"));
        }

        @Override
        public Op maxPool2d(MaxPool2d m) {
            return new PoolOp(new Shape(m.kernelSize(), m.kernelSize()), new Shape(m.stride(), m.stride()));
        }

        @Override
        public Op relu(Relu r) {
            return new ReluOp();
        }

        @Override
        public Op flatten(Flatten f) {
            return new FlattenOp();
        }

        @Override
        public Op dropout(Dropout d) {
            return d.p() > 0 ? new DropoutOp((float) d.p()) : null;
        }

        @Override
        public Op batchNorm2d(BatchNorm2d b) {
            inputNeedsGradient = true;
            return new BatchNormOp(tensor("weight"), tensor("bias"), tensor("running_mean"), tensor("running_var"),
                    tensor("num_batches_tracked"), (float) b.momentum(), (float) b.eps());
        }

        @Override
        public Op adaptiveAvgPool2d(AdaptiveAvgPool2d a) {
            return new AdaptiveAvgPoolOp(new Shape(a.outH(), a.outW()));
        }

        @Override
        public Op avgPool2d(AvgPool2d a) {
            return new AvgPoolOp(new Shape(a.kernelSize(), a.kernelSize()), new Shape(a.stride(), a.stride()),
                    new Shape(a.padding(), a.padding()));
        }
    }

    /**
     * Runs the network on {@code input}. Every result is attached to {@code input}'s manager. In inference mode each
     * intermediate is freed as soon as the next layer has consumed it, so peak memory is two activations.
     */
    NDArray forward(NDArray input, NDArray[] params, boolean training) {
        NDArray x = input;
        for (Op op : ops) {
            NDArray y = op.apply(x, params, training);
            if (!training && x != input && y != x) {
                x.close();
            }
            x = y;
        }
        return x;
    }

    /** Whether the input is laid out channels-last before the first layer (see {@link ChannelsLastOp}). */
    boolean channelsLast() {
        return !ops.isEmpty() && ops.get(0) instanceof ChannelsLastOp;
    }

    /** Number of convolutions compiled with the zero-channel padding of {@link ConvOp}. */
    long paddedConvolutions() {
        return ops.stream().filter(o -> o instanceof ConvOp c && (c.padIn() > 0 || c.padOut() > 0)).count();
    }
}
