package org.vgg4j.onnx;

import ai.onnx.proto.OnnxMl;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXInitializer;
import org.tribuo.util.onnx.ONNXRef;
import org.vgg4j.core.LayerNode;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.io.AtomicWrite;
import org.vgg4j.core.layer.AdaptiveAvgPool2d;
import org.vgg4j.core.layer.AvgPool2d;
import org.vgg4j.core.layer.BatchNorm2d;
import org.vgg4j.core.layer.Conv2d;
import org.vgg4j.core.layer.Dropout;
import org.vgg4j.core.layer.Flatten;
import org.vgg4j.core.layer.LayerVisitor;
import org.vgg4j.core.layer.Linear;
import org.vgg4j.core.layer.MaxPool2d;
import org.vgg4j.core.layer.Relu;
import org.vgg4j.core.param.FiniteValues;
import org.vgg4j.core.param.Parameters;

/**
 * Turns a core {@link Network} and its {@link Parameters} into a standard ONNX inference model (IR version
 * {@value #IR_VERSION}, opset {@value OnnxOp#OPSET}); the same inputs always give the same bytes.
 *
 * <p>The graph has one input {@value #INPUT} of type float32 and shape {@code [batch, C, H, W]} (the batch dimension
 * is the symbolic {@code batch}) and one output {@value #OUTPUT} {@code [batch, classes]}. Each layer becomes one node
 * named after its path ({@code vgg_block_1.0}) whose output value carries the same name; weights are initializers
 * named like the PyTorch {@code state_dict} ({@code vgg_block_1.0.weight}). Dropout layers are left out (inference
 * graph) and recorded in the metadata, with the rest described in {@link OnnxMetadata}.
 *
 * <p>Built on Tribuo's ONNX builder: its {@link ONNXContext} creates nodes and initializers, then the graph input is
 * retyped to 4-D (Tribuo only makes 2-D inputs) and Tribuo's uniquified value names are replaced by the layer paths.
 */
public final class OnnxExporter {
    /** The ONNX IR version written (Debian's python3-onnx 1.12 checker rejects newer ones). */
    public static final int IR_VERSION = 8;
    /** Name of the graph input. */
    public static final String INPUT = "input";
    /** Name of the graph output. */
    public static final String OUTPUT = "logits";
    /** The symbolic name of the dynamic batch dimension. */
    public static final String BATCH = "batch";
    /** Producer name written into every model. */
    public static final String PRODUCER = "vgg4j";
    /** Domain written into every model. */
    public static final String DOMAIN = "org.vgg4j";

    private OnnxExporter() {
    }

    /**
     * The serialized ONNX model.
     *
     * @param network    the network whose graph is exported, with a dynamic batch dimension
     * @param parameters the trained tensors; must fit {@code network} and be finite
     * @param metadata   names and provenance to record; not null, with one class name per network output
     * @return the bytes of the ONNX {@code ModelProto}, ready to be written to a {@code .onnx} file
     * @throws org.vgg4j.core.param.ParameterMismatchException if {@code parameters} do not fit {@code network}
     * @throws org.vgg4j.core.param.NonFiniteValueException    if a parameter is NaN or infinite
     * @throws IllegalArgumentException                       if the class names do not match the network's outputs
     */
    public static byte[] export(Network network, Parameters parameters, ExportMetadata metadata) {
        return toModel(network, parameters, metadata).toByteArray();
    }

    /**
     * Writes the model to {@code file} atomically (complete or not at all), creating parent directories.
     *
     * @param file       the {@code .onnx} file to write; replaced if it exists
     * @param network    the network whose graph is exported
     * @param parameters the trained tensors; must fit {@code network} and be finite
     * @param metadata   names and provenance to record; not null, with one class name per network output
     */
    public static void write(Path file, Network network, Parameters parameters, ExportMetadata metadata) {
        OnnxMl.ModelProto model = toModel(network, parameters, metadata);
        AtomicWrite.write(file, model::writeTo);
    }

    /**
     * The model as an ONNX protobuf message (for a caller that keeps working with it, e.g. to serve it).
     *
     * @param network    the network whose graph is exported
     * @param parameters the trained tensors; must fit {@code network} and be finite
     * @param metadata   names and provenance to record; not null, with one class name per network output
     * @return a new, complete model message; the caller may modify it
     * @throws NullPointerException     if {@code metadata} is null
     * @throws IllegalArgumentException if the class names do not match the network's outputs
     */
    public static OnnxMl.ModelProto toModel(Network network, Parameters parameters, ExportMetadata metadata) {
        Objects.requireNonNull(metadata, "metadata: use ExportMetadata.forNetwork(network)");
        Parameters params = FiniteValues.require(parameters.conformTo(network), "parameters of " + network.name());
        int classes = network.numClasses();
        if (metadata.classNames().size() != classes) {
            throw new IllegalArgumentException("network '" + network.name() + "' has " + classes
                    + " outputs but the export metadata names " + metadata.classNames().size() + " classes "
                    + metadata.classNames() + "; pass exactly one class name per output");
        }
        List<LayerNode> leaves = network.leaves(1);

        ONNXContext ctx = new ONNXContext();
        ctx.setName(network.name());
        Shape sample = network.sampleShape();
        ONNXRef<?> x = ctx.floatInput(INPUT, Math.toIntExact(sample.elementCount()));
        ctx.floatOutput(OUTPUT, classes);

        LayerExport export = new LayerExport(ctx, params);
        List<String> nodeNames = new ArrayList<>();
        Shape in = sample;
        for (int i = 0; i < leaves.size(); i++) {
            LayerNode node = leaves.get(i);
            export.path = node.path();
            export.index = i;
            export.x = x;
            export.in = in;
            export.doc = null;
            in = node.outputShape().dropFirst();
            ONNXRef<?> y = node.layer().accept(export);
            if (y == null) {
                continue;
            }
            export.rename.put(y.getReference(), node.path());
            if (export.doc != null) {
                export.docs.put(nodeNames.size(), export.doc);
            }
            nodeNames.add(node.path());
            x = y;
        }
        Map<String, String> rename = export.rename;
        List<OnnxMetadata.OmittedDropout> dropouts = export.dropouts;
        if (nodeNames.isEmpty()) {
            throw new IllegalArgumentException("network '" + network.name() + "' has no layer to export");
        }
        rename.put(x.getReference(), OUTPUT);

        OnnxMl.GraphProto graph = finishGraph(ctx.buildGraph(), sample, rename, nodeNames, export.docs);
        OnnxMl.ModelProto.Builder model = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName(PRODUCER)
                .setProducerVersion(Vgg4jVersion.get())
                .setDomain(DOMAIN)
                .setModelVersion(1)
                .setDocString(network.name() + " exported by vgg4j for inference (dropout removed); input "
                        + INPUT + " [batch, " + sample.toString().substring(1) + " float32 NCHW, output " + OUTPUT
                        + " [batch, " + classes + "] raw logits")
                .setGraph(graph)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OnnxOp.OPSET));
        Map<String, String> props = OnnxMetadata.encode(metadata, ParameterDigest.sha256(params),
                params.elementCount(), dropouts, export.batchesTracked);
        props.forEach((k, v) -> model.addMetadataProps(
                OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return model.build();
    }

    /**
     * The ONNX node of one leaf layer, named after its path and reading the previous layer's output {@code x}; null
     * for a layer the inference graph leaves out (dropout, recorded in {@link #dropouts}).
     */
    private static final class LayerExport implements LayerVisitor<ONNXRef<?>> {
        private final ONNXContext ctx;
        private final Parameters params;
        /** Tribuo's generated value names to the layer and tensor names they get. */
        final Map<String, String> rename = new HashMap<>();
        final List<OnnxMetadata.OmittedDropout> dropouts = new ArrayList<>();
        /** Batch-norm path to its num_batches_tracked, which the inference graph does not use (kept in metadata). */
        final Map<String, Long> batchesTracked = new LinkedHashMap<>();
        /** Doc strings by node index: an adaptive pool says so, as its AveragePool could be a plain one. */
        final Map<Integer, String> docs = new HashMap<>();
        String path;
        int index;
        ONNXRef<?> x;
        /** The shape of {@code x} for one sample, [C, H, W] before the flatten. */
        Shape in;
        /** The doc string of the node just made, or null. */
        String doc;

        LayerExport(ONNXContext ctx, Parameters params) {
            this.ctx = ctx;
            this.params = params;
        }

        /** The layer's tensor {@code local} ({@code weight}, ...) as an initializer named like the state_dict. */
        private ONNXInitializer initializer(String local) {
            String name = path + "." + local;
            Tensor t = params.get(name);
            List<Integer> dims = new ArrayList<>();
            for (int d : t.shape().dims()) {
                dims.add(d);
            }
            ONNXInitializer init = ctx.floatTensor(name, dims, buffer -> buffer.put(t.buffer()));
            rename.put(init.getReference(), name);
            return init;
        }

        @Override
        public ONNXRef<?> conv2d(Conv2d c) {
            Map<String, Object> attrs = new LinkedHashMap<>();
            attrs.put("kernel_shape", new int[] {c.kernelSize(), c.kernelSize()});
            attrs.put("pads", new int[] {c.padding(), c.padding(), c.padding(), c.padding()});
            attrs.put("strides", new int[] {c.stride(), c.stride()});
            return ctx.operation(OnnxOp.CONV, List.of(x, initializer("weight"), initializer("bias")), path, attrs);
        }

        @Override
        public ONNXRef<?> relu(Relu r) {
            return ctx.operation(OnnxOp.RELU, List.of(x), path);
        }

        @Override
        public ONNXRef<?> maxPool2d(MaxPool2d m) {
            Map<String, Object> attrs = new LinkedHashMap<>();
            attrs.put("kernel_shape", new int[] {m.kernelSize(), m.kernelSize()});
            attrs.put("strides", new int[] {m.stride(), m.stride()});
            return ctx.operation(OnnxOp.MAX_POOL, List.of(x), path, attrs);
        }

        @Override
        public ONNXRef<?> flatten(Flatten f) {
            Map<String, Object> attrs = new LinkedHashMap<>();
            attrs.put("axis", 1);
            return ctx.operation(OnnxOp.FLATTEN, List.of(x), path, attrs);
        }

        @Override
        public ONNXRef<?> linear(Linear l) {
            Map<String, Object> attrs = new LinkedHashMap<>();
            attrs.put("transB", 1);
            return ctx.operation(OnnxOp.GEMM, List.of(x, initializer("weight"), initializer("bias")), path, attrs);
        }

        @Override
        public ONNXRef<?> dropout(Dropout d) {
            dropouts.add(new OnnxMetadata.OmittedDropout(index, path, d.p()));
            return null;
        }

        /**
         * {@code BatchNormalization} in inference mode with the running statistics as initializers; ONNX's momentum is
         * {@code 1 -} PyTorch's (ONNX weighs the running value, PyTorch the batch's).
         */
        @Override
        public ONNXRef<?> batchNorm2d(BatchNorm2d b) {
            Map<String, Object> attrs = new LinkedHashMap<>();
            attrs.put("epsilon", (float) b.eps());
            attrs.put("momentum", (float) (1 - b.momentum()));
            batchesTracked.put(path, params.get(path + ".num_batches_tracked").getLong(0));
            return ctx.operation(OnnxOp.BATCH_NORMALIZATION, List.of(x, initializer("weight"), initializer("bias"),
                    initializer("running_mean"), initializer("running_var")), path, attrs);
        }

        /**
         * {@code GlobalAveragePool} for a 1x1 output; {@code AveragePool} when every bin has the same size (the
         * output divides the input); otherwise an {@code Einsum} with PyTorch's bins as two constant averaging
         * matrices ({@link #averagingMatrix}), which is exact for any input and output size.
         */
        @Override
        public ONNXRef<?> adaptiveAvgPool2d(AdaptiveAvgPool2d a) {
            doc = a.describe();
            int h = in.dim(1);
            int w = in.dim(2);
            if (a.outH() == 1 && a.outW() == 1) {
                return ctx.operation(OnnxOp.GLOBAL_AVERAGE_POOL, List.of(x), path);
            }
            if (h % a.outH() == 0 && w % a.outW() == 0) {
                int kh = h / a.outH();
                int kw = w / a.outW();
                Map<String, Object> attrs = new LinkedHashMap<>();
                attrs.put("kernel_shape", new int[] {kh, kw});
                attrs.put("strides", new int[] {kh, kw});
                return ctx.operation(OnnxOp.AVERAGE_POOL, List.of(x), path, attrs);
            }
            Map<String, Object> attrs = new LinkedHashMap<>();
            attrs.put("equation", EINSUM_EQUATION);
            return ctx.operation(OnnxOp.EINSUM, List.of(x, constant(AVERAGE_H, a.outH(), h),
                    constant(AVERAGE_W, a.outW(), w)), path, attrs);
        }

        /** The averaging matrix {@code name} of {@code out} PyTorch bins over {@code size}, as an initializer. */
        private ONNXInitializer constant(String local, int out, int size) {
            String name = path + "." + local;
            float[] m = averagingMatrix(out, size);
            ONNXInitializer init = ctx.floatTensor(name, List.of(out, size), buffer -> buffer.put(m));
            rename.put(init.getReference(), name);
            return init;
        }

        @Override
        public ONNXRef<?> avgPool2d(AvgPool2d p) {
            Map<String, Object> attrs = new LinkedHashMap<>();
            attrs.put("kernel_shape", new int[] {p.kernelSize(), p.kernelSize()});
            attrs.put("pads", new int[] {p.padding(), p.padding(), p.padding(), p.padding()});
            attrs.put("strides", new int[] {p.stride(), p.stride()});
            attrs.put("count_include_pad", 1);
            return ctx.operation(OnnxOp.AVERAGE_POOL, List.of(x), path, attrs);
        }
    }

    /** The Einsum equation of an adaptive average pool: input, then the row and the column averaging matrices. */
    public static final String EINSUM_EQUATION = "nchw,ih,jw->ncij";
    /** Local name of an adaptive pool's row averaging matrix initializer ({@code avgpool.average_h}). */
    public static final String AVERAGE_H = "average_h";
    /** Local name of an adaptive pool's column averaging matrix initializer. */
    public static final String AVERAGE_W = "average_w";

    /**
     * The {@code [out, size]} matrix whose row {@code i} is {@code 1 / n} on PyTorch's bin {@code i} (from
     * {@link AdaptiveAvgPool2d#binStart} to {@link AdaptiveAvgPool2d#binEnd}, {@code n} elements) and 0 elsewhere.
     *
     * @param out  the pooled output length (rows of the matrix), at least 1
     * @param size the input length being pooled (columns of the matrix), at least 1
     * @return the matrix in row-major order, {@code out * size} floats
     * @throws ArithmeticException if {@code out * size} overflows an {@code int}
     */
    public static float[] averagingMatrix(int out, int size) {
        float[] m = new float[Math.multiplyExact(out, size)];
        for (int i = 0; i < out; i++) {
            int start = AdaptiveAvgPool2d.binStart(i, size, out);
            int end = AdaptiveAvgPool2d.binEnd(i, size, out);
            for (int j = start; j < end; j++) {
                m[i * size + j] = 1f / (end - start);
            }
        }
        return m;
    }

    /** Retypes the input to [batch, C, H, W], and names nodes, values and initializers after the layers. */
    private static OnnxMl.GraphProto finishGraph(OnnxMl.GraphProto built, Shape sample, Map<String, String> rename,
            List<String> nodeNames, Map<Integer, String> docs) {
        OnnxMl.GraphProto.Builder g = built.toBuilder();
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH));
        for (int d : sample.dims()) {
            shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        g.setInput(0, OnnxMl.ValueInfoProto.newBuilder()
                .setName(INPUT)
                .setType(OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                        .setShape(shape))));
        for (int i = 0; i < g.getNodeCount(); i++) {
            OnnxMl.NodeProto.Builder n = g.getNodeBuilder(i);
            n.setName(nodeNames.get(i));
            if (docs.containsKey(i)) {
                n.setDocString(docs.get(i));
            }
            for (int j = 0; j < n.getInputCount(); j++) {
                n.setInput(j, rename.getOrDefault(n.getInput(j), n.getInput(j)));
            }
            for (int j = 0; j < n.getOutputCount(); j++) {
                n.setOutput(j, rename.getOrDefault(n.getOutput(j), n.getOutput(j)));
            }
        }
        for (int i = 0; i < g.getInitializerCount(); i++) {
            OnnxMl.TensorProto.Builder t = g.getInitializerBuilder(i);
            t.setName(rename.getOrDefault(t.getName(), t.getName()));
        }
        return g.build();
    }
}
