package org.vgg4j.backend.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vgg4j.core.LayerNode;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
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
import org.vgg4j.core.layer.ParameterSpec;
import org.vgg4j.core.layer.Relu;
import org.vgg4j.core.layer.Sequential;
import org.vgg4j.core.param.Parameters;

/**
 * Gives a convolution feeding another convolution zero filters up to a multiple of ONNX Runtime's NCHWc channel block,
 * so that the CPU runtime keeps the whole convolution stack in its blocked layout; the logits do not change.
 *
 * <p>ONNX Runtime's CPU convolutions run in a blocked layout (NCHWc) whose block is 16 channels with AVX-512 and 8
 * with AVX2. A convolution with, say, 8 output channels on an AVX-512 machine is computed padded to 16 anyway, but its
 * ReLU and max pooling cannot stay blocked, so the runtime converts to NCHW and back around them. For the narrow
 * VGG-11 at 224x224 batch 64 those conversions and the unblocked pooling took about 15 ms of a 71 ms inference on the
 * 2-core dev machine (ONNX Runtime's profiler).
 *
 * <p>The extra channels are exactly zero: a zero filter with a zero bias gives 0, ReLU and max pooling keep 0, and
 * the next convolution meets them with zero weights, so every sum gains only {@code +0} terms. Only convolutions
 * whose output reaches the next convolution through ReLU, pooling, batch norm or dropout (identity at inference) are padded;
 * one feeding a flatten and a linear layer keeps its width. Batch norm between a widened convolution and the next one
 * is widened with weight 0, bias 0, running mean 0 and running variance 1 on the new channels, which keeps them 0;
 * average pools (plain and adaptive) keep zeros like max pooling.
 */
final class NchwcPadding {
    /** A network and its parameters after padding, and how many convolutions were widened. */
    record Padded(Network network, Parameters parameters, int widened) {
    }

    private NchwcPadding() {
    }

    /**
     * The NCHWc block of ONNX Runtime's CPU kernels on this machine: 16 on a CPU with AVX-512 (Linux's
     * {@code /proc/cpuinfo} lists {@code avx512f}), else 8 (AVX2).
     */
    static int cpuBlock() {
        return CpuBlock.VALUE;
    }

    /** Reads {@code /proc/cpuinfo} once, on first use. */
    private static final class CpuBlock {
        static final int VALUE = hasAvx512() ? 16 : 8;
    }

    private static boolean hasAvx512() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        try {
            return Files.isReadable(cpuinfo) && Files.readString(cpuinfo).contains(" avx512f");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** {@code network} and {@code parameters} with every convolution that feeds a convolution padded to {@code block}. */
    static Padded apply(Network network, Parameters parameters, int block) {
        if (block <= 1) {
            return new Padded(network, parameters, 0);
        }
        List<LayerNode> leaves = network.leaves(1);
        int widenedOut = -1;
        Map<String, Layer> widened = new HashMap<>();
        int pendingIn = -1;
        int count = 0;
        for (int i = 0; i < leaves.size(); i++) {
            Passage passage = passage(leaves.get(i));
            if (passage == Passage.NORMALIZATION && widenedOut > 0) {
                BatchNorm2d bn = (BatchNorm2d) leaves.get(i).layer();
                // between a widened convolution and the next one: widened too, the new channels kept at 0
                widened.put(leaves.get(i).path(), new BatchNorm2d(widenedOut, bn.eps(), bn.momentum()));
            }
            if (passage != Passage.CONVOLUTION) {
                continue;
            }
            Conv2d conv = (Conv2d) leaves.get(i).layer();
            int in = pendingIn > 0 ? pendingIn : conv.inChannels();
            pendingIn = -1;
            int out = conv.outChannels();
            widenedOut = -1;
            if (out % block != 0 && feedsConvolution(leaves, i)) {
                out = Math.addExact(out, block - out % block);
                pendingIn = out;
                widenedOut = out;
                count++;
            }
            if (in != conv.inChannels() || out != conv.outChannels()) {
                widened.put(leaves.get(i).path(), new Conv2d(in, out, conv.kernelSize(), conv.stride(), conv.padding()));
            }
        }
        if (widened.isEmpty()) {
            return new Padded(network, parameters, 0);
        }
        Network padded = new Network(network.name(), (Sequential) replace("", network.root(), widened),
                network.sampleShape());
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (ParameterSpec spec : padded.parameterSpecs()) {
            Tensor original = parameters.get(spec.name());
            tensors.put(spec.name(), original.shape().equals(spec.shape()) ? original
                    : spec.name().endsWith(".running_var") ? pad(original, spec.shape(), 1f)
                    : zeroPad(original, spec.shape()));
        }
        return new Padded(padded, Parameters.of(tensors), count);
    }

    /** Whether the layer at {@code index} reaches a convolution through layers that map zero channels to zero. */
    private static boolean feedsConvolution(List<LayerNode> leaves, int index) {
        for (int j = index + 1; j < leaves.size(); j++) {
            Passage next = passage(leaves.get(j));
            if (next != Passage.KEEPS_ZEROS && next != Passage.NORMALIZATION) {
                return next == Passage.CONVOLUTION;
            }
        }
        return false;
    }

    private static Passage passage(LayerNode node) {
        return node.layer().accept(PASSAGE);
    }

    /** What a layer does with zero channels appended to its input, which decides how far padding may reach. */
    private enum Passage {
        /** A convolution: meets extra input channels with zero weights, and may be widened itself. */
        CONVOLUTION,
        /** Maps zero channels to zero channels and has no parameters (at inference). */
        KEEPS_ZEROS,
        /**
         * Batch norm: keeps zero channels zero once widened with the convolution before it (weight 0, bias 0, running
         * mean 0, running variance 1 on the new channels).
         */
        NORMALIZATION,
        /** Mixes channels into features: padding must not reach it. */
        STOPS
    }

    private static final LayerVisitor<Passage> PASSAGE = new LayerVisitor<>() {
        @Override
        public Passage conv2d(Conv2d layer) {
            return Passage.CONVOLUTION;
        }

        @Override
        public Passage relu(Relu layer) {
            return Passage.KEEPS_ZEROS;
        }

        @Override
        public Passage maxPool2d(MaxPool2d layer) {
            return Passage.KEEPS_ZEROS;
        }

        @Override
        public Passage dropout(Dropout layer) {
            return Passage.KEEPS_ZEROS;
        }

        @Override
        public Passage batchNorm2d(BatchNorm2d layer) {
            return Passage.NORMALIZATION;
        }

        @Override
        public Passage adaptiveAvgPool2d(AdaptiveAvgPool2d layer) {
            return Passage.KEEPS_ZEROS;
        }

        @Override
        public Passage avgPool2d(AvgPool2d layer) {
            return Passage.KEEPS_ZEROS;
        }

        @Override
        public Passage flatten(Flatten layer) {
            return Passage.STOPS;
        }

        @Override
        public Passage linear(Linear layer) {
            return Passage.STOPS;
        }
    };

    private static Layer replace(String path, Layer layer, Map<String, Layer> widened) {
        if (layer instanceof Sequential seq) {
            List<Sequential.Child> children = new ArrayList<>();
            for (Sequential.Child c : seq.children()) {
                String childPath = path.isEmpty() ? c.name() : path + "." + c.name();
                children.add(new Sequential.Child(c.name(), replace(childPath, c.layer(), widened)));
            }
            return new Sequential(children);
        }
        Layer replacement = widened.get(path);
        return replacement != null ? replacement : layer;
    }

    /** The vector {@code t} extended to {@code target} with {@code fill} (a widened batch norm's running variance: 1). */
    static Tensor pad(Tensor t, Shape target, float fill) {
        float[] dst = new float[Math.toIntExact(target.elementCount())];
        java.util.Arrays.fill(dst, fill);
        t.copyTo(dst, 0);
        return Tensor.wrap(target, dst);
    }

    /** {@code t} copied into the leading corner of a zero tensor of shape {@code target} (same rank, no smaller). */
    static Tensor zeroPad(Tensor t, Shape target) {
        int[] from = t.shape().dims();
        int[] to = target.dims();
        float[] src = t.toArray();
        float[] dst = new float[Math.toIntExact(target.elementCount())];
        // Rows of the last axis are contiguous in both; walk the source's leading indices.
        int last = from.length - 1;
        int rows = src.length / from[last];
        int[] index = new int[last];
        for (int row = 0; row < rows; row++) {
            int offset = 0;
            for (int axis = 0; axis < last; axis++) {
                offset = offset * to[axis] + index[axis];
            }
            System.arraycopy(src, row * from[last], dst, offset * to[last], from[last]);
            for (int axis = last - 1; axis >= 0; axis--) {
                if (++index[axis] < from[axis]) {
                    break;
                }
                index[axis] = 0;
            }
        }
        return Tensor.wrap(target, dst);
    }
}
