package org.vgg4j.backend.onnx;

import ai.onnx.proto.OnnxMl;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.Vgg4jException;
import org.vgg4j.core.layer.AdaptiveAvgPool2d;
import org.vgg4j.core.layer.AvgPool2d;
import org.vgg4j.core.layer.BatchNorm2d;
import org.vgg4j.core.layer.Conv2d;
import org.vgg4j.core.layer.Dropout;
import org.vgg4j.core.layer.Flatten;
import org.vgg4j.core.layer.Layer;
import org.vgg4j.core.layer.Linear;
import org.vgg4j.core.layer.MaxPool2d;
import org.vgg4j.core.layer.Relu;
import org.vgg4j.core.layer.Sequential;
import org.vgg4j.core.param.FiniteValues;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.onnx.OnnxExporter;
import org.vgg4j.onnx.OnnxFormatException;
import org.vgg4j.onnx.OnnxMetadata;

/**
 * Rebuilds a core network and its parameters from an ONNX graph that is a chain of the operators vgg4j exports
 * (Conv, BatchNormalization, Relu, MaxPool, AveragePool, GlobalAveragePool, vgg4j's adaptive-pool Einsum, Flatten,
 * Gemm, Dropout, Identity), including what torch.onnx writes for torchvision's VGGs in eval mode (Identity nodes that
 * alias shared weights, scoped node names such as {@code /features/features.0/Conv}, read as {@code features.0}).
 *
 * <p>An int8 model in the QDQ format (as {@link org.vgg4j.onnx.Int8Export} writes it) is read as the float network
 * it approximates: weights and biases behind a {@code DequantizeLinear} are read back dequantized
 * ({@link Int8Weights}), and the activations' {@code QuantizeLinear} / {@code DequantizeLinear} pairs are left out.
 *
 * <p>Layer paths come from the node names when they form a valid module tree (always for vgg4j files), else the layers
 * are numbered {@code 0, 1, 2, ...} in one container. Dropout layers recorded in vgg4j's metadata are put back at their
 * original positions.
 */
final class OnnxGraphImport {
    /** Batch norm's int64 buffer, absent from the graph: 0, or the count vgg4j's metadata records. */
    private static final String BATCHES_TRACKED = "num_batches_tracked";

    private OnnxGraphImport() {
    }

    /** The rebuilt network and its weights. */
    record Imported(Network network, Parameters parameters) {
    }

    /** One leaf layer with its path and its tensors by local name ({@code weight}, {@code running_mean}, ...). */
    private record Leaf(String path, Layer layer, Map<String, Tensor> tensors) {
        Leaf(String path, Layer layer) {
            this(path, layer, Map.of());
        }

        Leaf(String path, Layer layer, Tensor weight, Tensor bias) {
            this(path, layer, tensorMap("weight", weight, "bias", bias));
        }
    }

    private static Map<String, Tensor> tensorMap(Object... nameThenTensor) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < nameThenTensor.length; i += 2) {
            out.put((String) nameThenTensor[i], (Tensor) nameThenTensor[i + 1]);
        }
        return out;
    }

    static Imported read(OnnxMl.ModelProto model, OnnxModelInfo info, String source) {
        OnnxMl.GraphProto graph = model.getGraph();
        Map<String, OnnxMl.TensorProto> initializers = new HashMap<>();
        for (OnnxMl.TensorProto t : graph.getInitializerList()) {
            if (initializers.put(t.getName(), t) != null) {
                throw new OnnxFormatException(source + ": the graph has two initializers named '" + t.getName() + "'");
            }
        }

        List<Leaf> leaves = new ArrayList<>();
        String current = info.inputName();
        Set<String> noOps = info.writtenByVgg4j() ? new HashSet<>(OnnxMetadata.noOpRelus(info.properties(), source))
                : Set.of();
        Shape shape = info.sampleShape();
        for (OnnxMl.NodeProto node : graph.getNodeList()) {
            String where = source + ": node '" + node.getName() + "' (" + node.getOpType() + ")";
            if (!node.getDomain().isEmpty() && !node.getDomain().equals("ai.onnx")) {
                throw new OnnxFormatException(where + " is in domain '" + node.getDomain()
                        + "'; vgg4j serves standard ONNX operators only");
            }
            if (node.getOpType().equals("Identity") && node.getInputCount() == 1 && node.getOutputCount() == 1
                    && initializers.containsKey(node.getInput(0)) && !node.getInput(0).equals(current)) {
                // torch.onnx aliases a weight shared by several layers (e.g. equal folded biases) with Identity
                if (initializers.putIfAbsent(node.getOutput(0), initializers.get(node.getInput(0))) != null) {
                    throw new OnnxFormatException(where + " redefines the weight '" + node.getOutput(0) + "'");
                }
                continue;
            }
            if (node.getOpType().equals("DequantizeLinear") && node.getInputCount() >= 2
                    && node.getOutputCount() == 1 && initializers.containsKey(node.getInput(0))
                    && !node.getInput(0).equals(current)) {
                // an int8 model's weight or bias: read back as the float values DequantizeLinear gives
                OnnxMl.TensorProto w = Int8Weights.dequantize(node, initializers, where);
                if (initializers.putIfAbsent(node.getOutput(0), w) != null) {
                    throw new OnnxFormatException(where + " redefines the weight '" + node.getOutput(0) + "'");
                }
                continue;
            }
            if (node.getOpType().equals("Relu") && noOps.contains(node.getName()) && node.getInputCount() == 1
                    && node.getInput(0).equals(current) && node.getOutputCount() == 1) {
                current = node.getOutput(0); // an int8 export's no-op ReLU after a pool of ReLU outputs
                continue;
            }
            if ((node.getOpType().equals("QuantizeLinear") || node.getOpType().equals("DequantizeLinear"))
                    && node.getInputCount() >= 2 && node.getInput(0).equals(current)) {
                // an int8 model's activation quantization: the rebuilt float network leaves it out
                Int8Weights.checkActivation(node, initializers, where);
                current = node.getOutput(0);
                continue;
            }
            if (node.getInputCount() == 0 || !node.getInput(0).equals(current)) {
                throw new OnnxFormatException(where + " does not take the previous layer's output '" + current
                        + "'; vgg4j serves graphs that are a single chain of layers");
            }
            if (node.getOutputCount() == 0 || node.getOutput(0).isEmpty()) {
                throw new OnnxFormatException(where + " has no output; vgg4j serves graphs that are a single chain of "
                        + "layers");
            }
            String name = layerPath(node);
            Leaf leaf;
            try {
                leaf = switch (node.getOpType()) {
                    case "Conv" -> conv(node, name, initializers, where);
                    case "Relu" -> new Leaf(name, new Relu());
                    case "MaxPool" -> maxPool(node, name, where);
                    case "Flatten" -> flatten(node, name, where);
                    case "Gemm" -> gemm(node, name, initializers, where);
                    case "Dropout" -> new Leaf(name, new Dropout(floatAttr(node, "ratio", 0.5f, where)));
                    case "BatchNormalization" -> batchNorm(node, name, initializers, where);
                    case "AveragePool" -> averagePool(node, name, shape, where);
                    case "GlobalAveragePool" -> new Leaf(name, new AdaptiveAvgPool2d(1, 1));
                    case "Einsum" -> einsum(node, name, shape, initializers, where);
                    case "Identity" -> null;
                    default -> throw new OnnxFormatException(where + ": operator " + node.getOpType()
                            + " is not a vgg4j layer (Conv, BatchNormalization, Relu, MaxPool, AveragePool, "
                            + "GlobalAveragePool, Einsum as an adaptive average pool, Flatten, Gemm, Dropout)");
                };
                if (leaf != null && shape != null) {
                    try {
                        shape = leaf.layer().outputShape(name, shape.prepend(1)).dropFirst();
                    } catch (Vgg4jException | ArithmeticException e) {
                        shape = null; // reported below, where the whole network is checked against the input
                    }
                }
            } catch (IllegalArgumentException e) {
                // a layer's own check (kernel >= 1, dropout probability in [0, 1), ...) on the node's values
                throw new OnnxFormatException(where + ": " + e.getMessage(), e);
            }
            if (leaf != null) {
                leaves.add(leaf);
            }
            current = node.getOutput(0);
        }
        if (!current.equals(info.outputName())) {
            throw new OnnxFormatException(source + ": the chain of layers ends in '" + current
                    + "', not in the graph output '" + info.outputName() + "'");
        }
        if (info.writtenByVgg4j()) {
            unpad(leaves, OnnxMetadata.paddedChannels(info.properties(), source), source);
        }
        if (info.writtenByVgg4j()) {
            for (OnnxMetadata.OmittedDropout d : OnnxMetadata.dropouts(info.properties(), source)) {
                if (d.index() < 0 || d.index() > leaves.size()) {
                    throw new OnnxFormatException(source + ": metadata places dropout '" + d.path() + "' at layer "
                            + d.index() + " of " + leaves.size());
                }
                try {
                    leaves.add(d.index(), new Leaf(d.path(), new Dropout(d.p())));
                } catch (IllegalArgumentException e) {
                    throw new OnnxFormatException(source + ": metadata dropout '" + d.path() + "': " + e.getMessage(),
                            e);
                }
            }
        }
        boolean named = validPaths(leaves);
        List<Leaf> pathed = new ArrayList<>();
        for (int i = 0; i < leaves.size(); i++) {
            Leaf l = leaves.get(i);
            pathed.add(named ? l : new Leaf(Integer.toString(i), l.layer(), l.tensors()));
        }
        Sequential root = tree(pathed, 0);
        Network network;
        try {
            network = new Network(info.metadata().modelName().isEmpty() ? "onnx-model" : info.metadata().modelName(),
                    root, info.sampleShape());
        } catch (Vgg4jException | IllegalArgumentException | ArithmeticException e) {
            throw new OnnxFormatException(source + ": the layers do not fit the input shape "
                    + info.sampleShape() + ": " + e.getMessage(), e);
        }
        Map<String, Long> tracked = info.writtenByVgg4j()
                ? OnnxMetadata.batchesTracked(info.properties(), source) : Map.of();
        Map<String, Tensor> params = new LinkedHashMap<>();
        for (Leaf l : pathed) {
            l.tensors().forEach((local, t) -> params.put(l.path() + "." + local,
                    local.equals(BATCHES_TRACKED) && tracked.containsKey(l.path())
                            ? Tensor.ofLongs(Shape.of(), new long[] {tracked.get(l.path())}) : t));
        }
        Parameters parameters;
        try {
            parameters = Parameters.of(params).conformTo(network);
        } catch (Vgg4jException e) {
            throw new OnnxFormatException(source + ": the weights do not fit the layers: " + e.getMessage(), e);
        }
        FiniteValues.require(parameters, source);
        return new Imported(network, parameters);
    }

    /**
     * Undoes an int8 export's zero-filter padding of a convolution ({@code padded}: path to original channels): its
     * extra filters and the next convolution's matching input channels, which must be zero, are removed.
     */
    private static void unpad(List<Leaf> leaves, Map<String, Integer> padded, String source) {
        for (int i = 0; i < leaves.size(); i++) {
            Leaf l = leaves.get(i);
            Integer channels = padded.get(l.path());
            if (channels == null) {
                continue;
            }
            int next = i + 1;
            while (next < leaves.size() && !(leaves.get(next).layer() instanceof Conv2d)) {
                next++;
            }
            if (!(l.layer() instanceof Conv2d c) || next == leaves.size() || channels > c.outChannels()
                    || ((Conv2d) leaves.get(next).layer()).inChannels() != c.outChannels()) {
                throw new OnnxFormatException(source + ": metadata pads '" + l.path() + "' from " + channels
                        + " channels, but it is not a wider convolution followed by another");
            }
            Conv2d n = (Conv2d) leaves.get(next).layer();
            Tensor w = rows(l.tensors().get("weight"), c.outChannels(), channels, source, l.path());
            Tensor b = rows(l.tensors().get("bias"), c.outChannels(), channels, source, l.path());
            leaves.set(i, new Leaf(l.path(), new Conv2d(c.inChannels(), channels, c.kernelSize(), c.stride(),
                    c.padding()), w, b));
            Leaf nl = leaves.get(next);
            int nk = n.kernelSize() * n.kernelSize();
            float[] all = nl.tensors().get("weight").toArray();
            float[] kept = new float[n.outChannels() * channels * nk];
            for (int o = 0; o < n.outChannels(); o++) {
                for (int j = 0; j < n.inChannels() * nk; j++) {
                    float v = all[o * n.inChannels() * nk + j];
                    if (j < channels * nk) {
                        kept[o * channels * nk + j] = v;
                    } else if (v != 0f) {
                        throw new OnnxFormatException(source + ": '" + nl.path() + "' has non-zero weights on the "
                                + "channels that metadata says are padding");
                    }
                }
            }
            leaves.set(next, new Leaf(nl.path(), new Conv2d(channels, n.outChannels(), n.kernelSize(), n.stride(),
                    n.padding()), Tensor.wrap(Shape.of(n.outChannels(), channels, n.kernelSize(), n.kernelSize()),
                    kept), nl.tensors().get("bias")));
        }
    }

    /** The first {@code keep} of {@code rows} rows of {@code t}; the others must be zero. */
    private static Tensor rows(Tensor t, int rows, int keep, String source, String path) {
        float[] all = t.toArray();
        int per = all.length / rows;
        for (int i = keep * per; i < all.length; i++) {
            if (all[i] != 0f) {
                throw new OnnxFormatException(source + ": '" + path + "' has non-zero values on the channels that "
                        + "metadata says are padding");
            }
        }
        int[] dims = t.shape().dims().clone();
        dims[0] = keep;
        return Tensor.wrap(Shape.of(dims), java.util.Arrays.copyOf(all, keep * per));
    }

    private static Leaf conv(OnnxMl.NodeProto node, String name, Map<String, OnnxMl.TensorProto> inits,
            String where) {
        if (node.getInputCount() != 3) {
            throw new OnnxFormatException(where + " has no bias; vgg4j convolutions always have one");
        }
        Tensor w = weight(node.getInput(1), inits, where);
        Tensor b = weight(node.getInput(2), inits, where);
        Shape ws = w.shape();
        if (ws.rank() != 4 || ws.dim(2) != ws.dim(3)) {
            throw new OnnxFormatException(where + " has weight shape " + ws + "; vgg4j needs [out, in, k, k]");
        }
        int k = ws.dim(2);
        int[] kernel = intsAttr(node, "kernel_shape", new int[] {k, k}, where);
        int[] strides = intsAttr(node, "strides", new int[] {1, 1}, where);
        int[] pads = intsAttr(node, "pads", new int[] {0, 0, 0, 0}, where);
        int[] dilations = intsAttr(node, "dilations", new int[] {1, 1}, where);
        String autoPad = stringAttr(node, "auto_pad", "NOTSET", where);
        if (kernel.length != 2 || kernel[0] != k || kernel[1] != k || strides.length != 2 || strides[0] != strides[1]
                || pads.length != 4 || pads[0] != pads[1] || pads[1] != pads[2] || pads[2] != pads[3]
                || dilations.length != 2 || dilations[0] != 1 || dilations[1] != 1
                || intAttr(node, "group", 1, where) != 1 || !autoPad.equals("NOTSET")
                || b.shape().rank() != 1 || b.shape().dim(0) != ws.dim(0)) {
            throw new OnnxFormatException(where + " is not a square, symmetric, ungrouped, undilated convolution "
                    + "with one bias per output channel, which is all vgg4j's Conv2d can express");
        }
        return new Leaf(name, new Conv2d(ws.dim(1), ws.dim(0), k, strides[0], pads[0]), w, b);
    }

    /**
     * The layer path of a node: its name, except that torch.onnx's scoped names ({@code /features/features.0/Conv},
     * {@code /Flatten}) become the module's ({@code features.0}) or, outside any module, the operator's
     * ({@code flatten}).
     */
    private static String layerPath(OnnxMl.NodeProto node) {
        String name = node.getName();
        String suffix = "/" + node.getOpType();
        boolean scoped = name.endsWith(suffix)
                || name.matches(".*" + java.util.regex.Pattern.quote(suffix) + "_\\d+");
        if (!name.startsWith("/") || !scoped) {
            return name;
        }
        String scope = name.substring(0, name.lastIndexOf('/'));
        return scope.isEmpty() ? node.getOpType().toLowerCase(java.util.Locale.ROOT)
                : scope.substring(scope.lastIndexOf('/') + 1);
    }

    /** Inference-mode batch norm, with its scale, bias and running statistics as initializers. */
    private static Leaf batchNorm(OnnxMl.NodeProto node, String name, Map<String, OnnxMl.TensorProto> inits,
            String where) {
        if (node.getInputCount() != 5 || intAttr(node, "training_mode", 0, where) != 0
                || (node.getOutputCount() > 1 && !node.getOutput(1).isEmpty())) {
            throw new OnnxFormatException(where + " is not an inference-mode batch normalization with scale, bias, "
                    + "mean and variance, which is all vgg4j's BatchNorm2d can express");
        }
        Tensor w = weight(node.getInput(1), inits, where);
        Tensor b = weight(node.getInput(2), inits, where);
        Tensor mean = weight(node.getInput(3), inits, where);
        Tensor var = weight(node.getInput(4), inits, where);
        int c = w.shape().rank() == 1 ? w.shape().dim(0) : -1;
        for (Tensor t : List.of(w, b, mean, var)) {
            if (!t.shape().equals(Shape.of(Math.max(c, 0)))) {
                throw new OnnxFormatException(where + " has scale, bias, mean and variance of shapes " + w.shape()
                        + ", " + b.shape() + ", " + mean.shape() + ", " + var.shape() + "; expected four [C]");
            }
        }
        // attributes are float32: read back as the shortest decimal (1e-05, not 9.99999974738e-06)
        double eps = shortest(floatAttr(node, "epsilon", 1e-5f, where));
        double momentum = shortest((float) (1 - shortest(floatAttr(node, "momentum", 0.9f, where))));
        return new Leaf(name, new BatchNorm2d(c, eps, momentum),
                tensorMap("weight", w, "bias", b, "running_mean", mean, "running_var", var,
                        BATCHES_TRACKED, Tensor.ofLongs(Shape.of(), new long[] {0})));
    }

    private static double shortest(float f) {
        return Double.parseDouble(Float.toString(f));
    }

    /**
     * A square average pool with symmetric padding; an unpadded one whose window tiles the input exactly and whose
     * node says it is an adaptive pool (vgg4j writes {@code AdaptiveAvgPool2d(output_size=(7, 7))} in its doc
     * string) becomes that adaptive pool.
     */
    private static Leaf averagePool(OnnxMl.NodeProto node, String name, Shape in, String where) {
        int[] kernel = intsAttr(node, "kernel_shape", new int[0], where);
        int[] strides = intsAttr(node, "strides", new int[] {1, 1}, where);
        int[] pads = intsAttr(node, "pads", new int[] {0, 0, 0, 0}, where);
        boolean square = kernel.length == 2 && kernel[0] == kernel[1] && strides.length == 2
                && strides[0] == strides[1] && pads.length == 4 && pads[0] == pads[1] && pads[1] == pads[2]
                && pads[2] == pads[3];
        boolean plain = intAttr(node, "ceil_mode", 0, where) == 0
                && stringAttr(node, "auto_pad", "NOTSET", where).equals("NOTSET");
        if (node.getDocString().startsWith("AdaptiveAvgPool2d") && plain && in != null && kernel.length == 2
                && kernel[0] > 0 && kernel[1] > 0 && strides.length == 2
                && kernel[0] == strides[0] && kernel[1] == strides[1] && pads.length == 4 && pads[0] == 0
                && pads[1] == 0 && pads[2] == 0 && pads[3] == 0 && in.rank() == 3 && in.dim(1) % kernel[0] == 0
                && in.dim(2) % kernel[1] == 0) {
            return new Leaf(name, new AdaptiveAvgPool2d(in.dim(1) / kernel[0], in.dim(2) / kernel[1]));
        }
        if (!square || !plain || (pads[0] > 0 && intAttr(node, "count_include_pad", 0, where) != 1)) {
            throw new OnnxFormatException(where + " is not a square, symmetrically padded, floor-mode average pool "
                    + "that counts padding (count_include_pad=1, PyTorch's default), which is all vgg4j's AvgPool2d "
                    + "can express");
        }
        return new Leaf(name, new AvgPool2d(kernel[0], strides[0], pads[0]));
    }

    /** The adaptive average pool vgg4j writes for non-uniform bins: {@code Einsum(x, Ah, Aw)} with PyTorch's bins. */
    private static Leaf einsum(OnnxMl.NodeProto node, String name, Shape in, Map<String, OnnxMl.TensorProto> inits,
            String where) {
        if (node.getInputCount() != 3 || in == null || in.rank() != 3
                || !stringAttr(node, "equation", "", where).replace(" ", "").equals(OnnxExporter.EINSUM_EQUATION)) {
            throw new OnnxFormatException(where + " is not the adaptive average pool Einsum('"
                    + OnnxExporter.EINSUM_EQUATION + "', x, rows, columns) vgg4j writes");
        }
        Tensor h = weight(node.getInput(1), inits, where);
        Tensor w = weight(node.getInput(2), inits, where);
        if (h.shape().rank() != 2 || w.shape().rank() != 2 || h.shape().dim(1) != in.dim(1)
                || w.shape().dim(1) != in.dim(2)
                || !Arrays.equals(h.toArray(), OnnxExporter.averagingMatrix(h.shape().dim(0), in.dim(1)))
                || !Arrays.equals(w.toArray(), OnnxExporter.averagingMatrix(w.shape().dim(0), in.dim(2)))) {
            throw new OnnxFormatException(where + ": its matrices " + h.shape() + " and " + w.shape()
                    + " are not PyTorch's adaptive average pooling bins over the input " + in + ", which is all "
                    + "vgg4j's AdaptiveAvgPool2d can express");
        }
        return new Leaf(name, new AdaptiveAvgPool2d(h.shape().dim(0), w.shape().dim(0)));
    }

    private static Leaf maxPool(OnnxMl.NodeProto node, String name, String where) {
        int[] kernel = intsAttr(node, "kernel_shape", new int[0], where);
        int[] strides = intsAttr(node, "strides", new int[] {1, 1}, where);
        int[] pads = intsAttr(node, "pads", new int[] {0, 0, 0, 0}, where);
        int[] dilations = intsAttr(node, "dilations", new int[] {1, 1}, where);
        boolean zeroPads = true;
        for (int p : pads) {
            zeroPads &= p == 0;
        }
        if (kernel.length != 2 || kernel[0] != kernel[1] || strides.length != 2 || strides[0] != strides[1]
                || !zeroPads || dilations.length != 2 || dilations[0] != 1 || dilations[1] != 1
                || intAttr(node, "ceil_mode", 0, where) != 0 || intAttr(node, "storage_order", 0, where) != 0
                || !stringAttr(node, "auto_pad", "NOTSET", where).equals("NOTSET") || usesIndices(node)) {
            throw new OnnxFormatException(where + " is not a square, unpadded, floor-mode max pool, which is all "
                    + "vgg4j's MaxPool2d can express");
        }
        return new Leaf(name, new MaxPool2d(kernel[0], strides[0]));
    }

    private static Leaf flatten(OnnxMl.NodeProto node, String name, String where) {
        if (intAttr(node, "axis", 1, where) != 1) {
            throw new OnnxFormatException(where + " flattens from axis " + intAttr(node, "axis", 1, where)
                    + "; vgg4j's Flatten keeps the batch axis only (axis 1)");
        }
        return new Leaf(name, new Flatten());
    }

    private static Leaf gemm(OnnxMl.NodeProto node, String name, Map<String, OnnxMl.TensorProto> inits,
            String where) {
        if (node.getInputCount() != 3 || floatAttr(node, "alpha", 1f, where) != 1f || floatAttr(node, "beta", 1f, where) != 1f
                || intAttr(node, "transA", 0, where) != 0) {
            throw new OnnxFormatException(where + " is not x * W' + b (alpha 1, beta 1, no transA, with bias), "
                    + "which is all vgg4j's Linear can express");
        }
        Tensor w = weight(node.getInput(1), inits, where);
        Tensor b = weight(node.getInput(2), inits, where);
        if (w.shape().rank() != 2) {
            throw new OnnxFormatException(where + " has weight shape " + w.shape() + "; expected a matrix");
        }
        if (intAttr(node, "transB", 0, where) == 0) {
            w = transpose(w);
        }
        int out = w.shape().dim(0);
        if (b.shape().rank() != 1 || b.shape().dim(0) != out) {
            throw new OnnxFormatException(where + " has bias shape " + b.shape() + "; expected [" + out + "]");
        }
        return new Leaf(name, new Linear(w.shape().dim(1), out), w, b);
    }

    private static boolean usesIndices(OnnxMl.NodeProto node) {
        return node.getOutputCount() > 1 && !node.getOutput(1).isEmpty();
    }

    private static Tensor transpose(Tensor m) {
        int rows = m.shape().dim(0);
        int cols = m.shape().dim(1);
        float[] t = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = m.get(r * cols + c);
            }
        }
        return Tensor.wrap(Shape.of(cols, rows), t);
    }

    private static Tensor weight(String name, Map<String, OnnxMl.TensorProto> inits, String where) {
        OnnxMl.TensorProto t = inits.get(name);
        if (t == null) {
            throw new OnnxFormatException(where + " reads '" + name + "', which is not a weight stored in the file");
        }
        if (t.getDataType() != OnnxMl.TensorProto.DataType.FLOAT.getNumber()) {
            throw new OnnxFormatException(where + ": weight '" + name + "' has type "
                    + OnnxMl.TensorProto.DataType.forNumber(t.getDataType()) + "; vgg4j reads float32 weights");
        }
        if (t.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL) {
            throw new OnnxFormatException(where + ": weight '" + name + "' is stored in an external file, which "
                    + "vgg4j does not read");
        }
        int[] dims = new int[t.getDimsCount()];
        java.math.BigInteger elements = java.math.BigInteger.ONE;
        for (int i = 0; i < dims.length; i++) {
            long d = t.getDims(i);
            if (d < 0 || d > Integer.MAX_VALUE) {
                throw new OnnxFormatException(where + ": weight '" + name + "' has dimension " + i + " = " + d
                        + "; expected 0 to " + Integer.MAX_VALUE);
            }
            dims[i] = (int) d;
            elements = elements.multiply(java.math.BigInteger.valueOf(d));
        }
        // Compared with what the file holds before anything is allocated: a header may announce any size.
        long stored = t.getRawData().isEmpty() ? t.getFloatDataCount() : t.getRawData().size() / Float.BYTES;
        if (elements.compareTo(java.math.BigInteger.valueOf(stored)) > 0) {
            throw new OnnxFormatException(where + ": weight '" + name + "' has shape " + Arrays.toString(dims) + " ("
                    + elements + " values) but the file holds " + (t.getRawData().isEmpty()
                    ? t.getFloatDataCount() + " values" : t.getRawData().size() + " bytes") + " for it");
        }
        long count = elements.longValueExact();
        float[] data = new float[(int) count];
        if (!t.getRawData().isEmpty()) {
            if (t.getRawData().size() != count * Float.BYTES) {
                throw new OnnxFormatException(where + ": weight '" + name + "' holds " + t.getRawData().size()
                        + " bytes, expected " + count * Float.BYTES + " for shape " + Shape.of(dims));
            }
            ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            raw.asFloatBuffer().get(data);
        } else if (t.getFloatDataCount() == count) {
            for (int i = 0; i < data.length; i++) {
                data[i] = t.getFloatData(i);
            }
        } else {
            throw new OnnxFormatException(where + ": weight '" + name + "' holds " + t.getFloatDataCount()
                    + " values, expected " + count + " for shape " + Shape.of(dims));
        }
        return Tensor.wrap(Shape.of(dims), data);
    }

    /** Whether every path is non-empty, unique, made of non-empty dot-separated names, and forms a module tree. */
    private static boolean validPaths(List<Leaf> leaves) {
        Set<String> seen = new HashSet<>();
        for (Leaf l : leaves) {
            if (l.path().isEmpty() || !seen.add(l.path())) {
                return false;
            }
            for (String part : l.path().split("\\.", -1)) {
                if (part.isEmpty()) {
                    return false;
                }
            }
        }
        try {
            tree(leaves, 0);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The container holding {@code leaves}, whose paths share their first {@code depth} names. */
    private static Sequential tree(List<Leaf> leaves, int depth) {
        List<Sequential.Child> children = new ArrayList<>();
        int i = 0;
        while (i < leaves.size()) {
            String[] parts = leaves.get(i).path().split("\\.");
            String head = parts[depth];
            int j = i + 1;
            while (j < leaves.size() && leaves.get(j).path().split("\\.")[depth].equals(head)) {
                j++;
            }
            List<Leaf> group = leaves.subList(i, j);
            if (parts.length == depth + 1) {
                if (group.size() != 1) {
                    throw new IllegalArgumentException("'" + leaves.get(i).path() + "' is both a layer and a container");
                }
                children.add(new Sequential.Child(head, group.get(0).layer()));
            } else {
                for (Leaf l : group) {
                    if (l.path().split("\\.").length <= depth + 1) {
                        throw new IllegalArgumentException("'" + l.path() + "' is both a layer and a container");
                    }
                }
                children.add(new Sequential.Child(head, tree(group, depth + 1)));
            }
            i = j;
        }
        return new Sequential(children);
    }

    /**
     * The attribute {@code name} of {@code node}, or null; an attribute whose declared type is not {@code type} is an
     * error (read with the wrong getter it would give a silent 0).
     */
    private static OnnxMl.AttributeProto attr(OnnxMl.NodeProto node, String name,
            OnnxMl.AttributeProto.AttributeType type, String where) {
        for (OnnxMl.AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                if (a.getType() != type && a.getType() != OnnxMl.AttributeProto.AttributeType.UNDEFINED) {
                    throw new OnnxFormatException(where + ": attribute '" + name + "' has type " + a.getType()
                            + ", expected " + type);
                }
                return a;
            }
        }
        return null;
    }

    private static int[] intsAttr(OnnxMl.NodeProto node, String name, int[] fallback, String where) {
        OnnxMl.AttributeProto a = attr(node, name, OnnxMl.AttributeProto.AttributeType.INTS, where);
        if (a == null) {
            return fallback;
        }
        int[] out = new int[a.getIntsCount()];
        for (int i = 0; i < out.length; i++) {
            long v = a.getInts(i);
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw new OnnxFormatException(where + ": attribute '" + name + "' holds " + v
                        + ", outside the int range vgg4j's layers take");
            }
            out[i] = (int) v;
        }
        return out;
    }

    private static long intAttr(OnnxMl.NodeProto node, String name, long fallback, String where) {
        OnnxMl.AttributeProto a = attr(node, name, OnnxMl.AttributeProto.AttributeType.INT, where);
        return a == null ? fallback : a.getI();
    }

    private static float floatAttr(OnnxMl.NodeProto node, String name, float fallback, String where) {
        OnnxMl.AttributeProto a = attr(node, name, OnnxMl.AttributeProto.AttributeType.FLOAT, where);
        return a == null ? fallback : a.getF();
    }

    private static String stringAttr(OnnxMl.NodeProto node, String name, String fallback, String where) {
        OnnxMl.AttributeProto a = attr(node, name, OnnxMl.AttributeProto.AttributeType.STRING, where);
        return a == null ? fallback : a.getS().toStringUtf8();
    }
}
