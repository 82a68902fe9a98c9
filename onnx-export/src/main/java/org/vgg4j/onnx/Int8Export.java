package org.vgg4j.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.vgg4j.core.Network;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.io.AtomicWrite;
import org.vgg4j.core.param.FiniteValues;
import org.vgg4j.core.param.Parameters;

/**
 * Writes a statically quantized int8 ONNX model in the QDQ format (QuantizeLinear / DequantizeLinear pairs around the
 * float operators), which ONNX Runtime fuses into integer kernels (QLinearConv, QGemm, uint8 MaxPool).
 *
 * <p>The model is {@link OnnxExporter}'s float graph with:
 * <ul>
 *   <li>the convolution that reads the image left in float32 (with 1 to 4 input channels ONNX Runtime's int8 kernel is
 *       slower than its float one; see {@code floatLayer}), with its ReLU and max pool; the convolution is padded
 *       with zero filters to {@value #CHANNEL_BLOCK} channels ({@link #PADDED_CHANNELS}) and the pool's output goes
 *       through a no-op ReLU ({@link #GUARD}) before it is quantized, which keeps this block in ONNX Runtime's
 *       float NCHWc layout;</li>
 *   <li>every other Conv and every Gemm weight stored as int8, per output channel (axis 0), symmetric
 *       ({@link Int8Quantizer}), and read through a {@code DequantizeLinear} whose output keeps the weight's
 *       name;</li>
 *   <li>every Conv and Gemm bias stored as int32 with scale {@code input scale * weight scale};</li>
 *   <li>a {@code QuantizeLinear} / {@code DequantizeLinear} pair (uint8, per tensor, from the calibrated
 *       {@link ActivationRange}) on the input of the first quantized layer and after every layer output from there
 *       on, except the logits and the output of a Conv or Gemm followed by a ReLU (the pair follows the ReLU,
 *       whose zero point 0 ONNX Runtime folds into the fused kernel); a MaxPool or Flatten reuses its input's
 *       scale and zero point, so that ONNX Runtime runs it on the uint8 values directly.</li>
 * </ul>
 * Value names: {@code v/quantized}, {@code v/dequantized}, {@code v/scale}, {@code v/zero_point} for an activation
 * {@code v}; {@code w/quantized}, {@code w/scale}, {@code w/zero_point} for a weight {@code w}. The metadata is the
 * float export's, with {@link OnnxMetadata#PARAMETERS_SHA256} the digest of the dequantized weights (what a reader
 * gets back) and {@link OnnxMetadata#QUANTIZATION} describing the scheme. Same inputs, same bytes.
 */
public final class Int8Export {
    private static final int FLOAT = OnnxMl.TensorProto.DataType.FLOAT.getNumber();
    private static final int UINT8 = OnnxMl.TensorProto.DataType.UINT8.getNumber();
    private static final int INT8 = OnnxMl.TensorProto.DataType.INT8.getNumber();
    private static final int INT32 = OnnxMl.TensorProto.DataType.INT32.getNumber();

    private Int8Export() {
    }

    /**
     * The activations whose ranges calibration must measure for {@code fp32}: the graph input and the layer
     * outputs that get their own quantization (see the class comment), in graph order.
     *
     * @param fp32 a float model written by {@link OnnxExporter#toModel}
     * @return value names of {@code fp32}'s graph (layer paths, or {@link OnnxExporter#INPUT} when the first layer
     *         is quantized)
     */
    public static List<String> calibrationPoints(OnnxMl.ModelProto fp32) {
        List<String> out = new ArrayList<>();
        Plan plan = plan(fp32.getGraph());
        plan.points.forEach((value, inheritsFrom) -> {
            if (inheritsFrom == null) {
                out.add(value);
            }
        });
        return out;
    }

    /**
     * Writes the int8 model to {@code file} atomically, creating parent directories.
     *
     * @param file        the {@code .onnx} file to write; replaced if it exists
     * @param network     the network to export
     * @param parameters  its trained float tensors; must fit {@code network} and be finite
     * @param metadata    names and provenance to record
     * @param calibration a range for every value {@link #calibrationPoints} names
     */
    public static void write(Path file, Network network, Parameters parameters, ExportMetadata metadata,
            Int8Calibration calibration) {
        OnnxMl.ModelProto model = toModel(network, parameters, metadata, calibration);
        AtomicWrite.write(file, model::writeTo);
    }

    /**
     * The serialized int8 model.
     *
     * @param network     the network to export
     * @param parameters  its trained float tensors; must fit {@code network} and be finite
     * @param metadata    names and provenance to record
     * @param calibration a range for every value {@link #calibrationPoints} names
     * @return the bytes of the ONNX {@code ModelProto}
     */
    public static byte[] export(Network network, Parameters parameters, ExportMetadata metadata,
            Int8Calibration calibration) {
        return toModel(network, parameters, metadata, calibration).toByteArray();
    }

    /**
     * The int8 model as an ONNX protobuf message.
     *
     * @param network     the network to export
     * @param parameters  its trained float tensors; must fit {@code network} and be finite
     * @param metadata    names and provenance to record
     * @param calibration a range for every value {@link #calibrationPoints} names
     * @return a new, complete model message
     * @throws IllegalArgumentException if {@code calibration} lacks the range of a value that needs one
     */
    public static OnnxMl.ModelProto toModel(Network network, Parameters parameters, ExportMetadata metadata,
            Int8Calibration calibration) {
        Objects.requireNonNull(calibration, "calibration");
        Parameters params = FiniteValues.require(parameters.conformTo(network), "parameters of " + network.name());
        OnnxMl.ModelProto fp32 = OnnxExporter.toModel(network, params, metadata);
        OnnxMl.GraphProto graph = fp32.getGraph();
        Plan plan = plan(graph);
        Map<String, float[]> scaleAndZero = new HashMap<>(); // value -> {scale, zero point}
        for (Map.Entry<String, String> p : plan.points.entrySet()) {
            String source = p.getValue() == null ? p.getKey() : root(plan, p.getKey());
            ActivationRange r = calibration.ranges().get(source);
            if (r == null) {
                throw new IllegalArgumentException("the calibration has no range for '" + source + "' of "
                        + network.name() + "; calibrate every value of Int8Export.calibrationPoints");
            }
            scaleAndZero.put(p.getKey(), p.getKey().equals(plan.guarded) ? guardedScaleAndZero(r)
                    : new float[] {Int8Quantizer.activationScale(r), Int8Quantizer.activationZeroPoint(r)});
        }

        Map<String, OnnxMl.TensorProto> inits = new LinkedHashMap<>();
        graph.getInitializerList().forEach(t -> inits.put(t.getName(), t));
        Map<String, Tensor> dequantized = new LinkedHashMap<>();
        List<OnnxMl.TensorProto> newInits = new ArrayList<>();
        List<OnnxMl.NodeProto> nodes = new ArrayList<>();
        Set<String> replaced = new LinkedHashSet<>();
        String input = graph.getInput(0).getName();
        if (plan.points.containsKey(input)) {
            quantizeActivation(input, scaleAndZero.get(input), nodes, newInits);
        }
        for (OnnxMl.NodeProto node : graph.getNodeList()) {
            OnnxMl.NodeProto.Builder n = node.toBuilder();
            String x = node.getInput(0);
            if (plan.points.containsKey(x)) {
                n.setInput(0, (x.equals(plan.guarded) ? x + GUARD : x) + "/dequantized");
            }
            if (plan.quantized.contains(node.getName())) {
                float inScale = scaleAndZero.get(x)[0];
                String w = node.getInput(1);
                String b = node.getInput(2);
                Tensor wt = params.get(w);
                Tensor bt = params.get(b);
                int rows = wt.shape().dim(0);
                float[] wf = wt.toArray();
                float[] ws = Int8Quantizer.weightScales(wf, rows);
                byte[] wq = Int8Quantizer.quantizeWeights(wf, ws);
                int[] bq = Int8Quantizer.quantizeBias(bt.toArray(), inScale, ws);
                float[] bs = Int8Quantizer.biasScales(inScale, ws);
                long[] wl = new long[wq.length];
                for (int i = 0; i < wq.length; i++) {
                    wl[i] = wq[i];
                }
                long[] bl = new long[bq.length];
                for (int i = 0; i < bq.length; i++) {
                    bl[i] = bq[i];
                }
                dequantized.put(w, Tensor.wrap(wt.shape(), Int8Quantizer.dequantize(wl, ws, new long[rows])));
                dequantized.put(b, Tensor.wrap(bt.shape(), Int8Quantizer.dequantize(bl, bs, new long[rows])));
                newInits.add(tensor(w + "/quantized", INT8, dims(wt), raw(wq)));
                newInits.add(floats(w + "/scale", new long[] {rows}, ws));
                newInits.add(tensor(w + "/zero_point", INT8, new long[] {rows}, raw(new byte[rows])));
                newInits.add(tensor(b + "/quantized", INT32, dims(bt), ints(bq)));
                newInits.add(floats(b + "/scale", new long[] {rows}, bs));
                newInits.add(tensor(b + "/zero_point", INT32, new long[] {rows}, ints(new int[rows])));
                nodes.add(dequantizeWeight(w));
                nodes.add(dequantizeWeight(b));
                replaced.add(w);
                replaced.add(b);
            }
            nodes.add(n.build());
            String y = node.getOutput(0);
            if (y.equals(plan.guarded)) {
                nodes.add(OnnxMl.NodeProto.newBuilder().setName(y + GUARD).setOpType("Relu").addInput(y)
                        .addOutput(y + GUARD).build());
                quantizeActivation(y + GUARD, scaleAndZero.get(y), nodes, newInits);
            } else if (plan.points.containsKey(y)) {
                quantizeActivation(y, scaleAndZero.get(y), nodes, newInits);
            }
        }

        OnnxMl.GraphProto.Builder g = graph.toBuilder().clearNode().clearInitializer().addAllNode(nodes);
        inits.values().stream().filter(t -> !replaced.contains(t.getName())).forEach(g::addInitializer);
        g.addAllInitializer(newInits);
        Map<String, Integer> padded = plan.guarded == null ? Map.of() : padFloatConvolution(g, plan);

        Map<String, Tensor> readBack = new LinkedHashMap<>();
        for (String name : params.names()) {
            readBack.put(name, dequantized.getOrDefault(name, params.get(name)));
        }
        Parameters dequantizedParams = Parameters.of(readBack).conformTo(network);
        Map<String, Object> scheme = new TreeMap<>();
        scheme.put("activations", "uint8 per-tensor asymmetric");
        scheme.put("weights", "int8 per-channel symmetric, axis 0");
        scheme.put("biases", "int32, scale = input scale * weight scale");
        scheme.put("calibration", "min/max");
        scheme.put("calibration_images", calibration.images());
        scheme.put("float_parameters_sha256", ParameterDigest.sha256(params));
        if (plan.guarded != null) {
            scheme.put(NO_OP_RELUS, List.of(plan.guarded + GUARD));
        }
        if (!padded.isEmpty()) {
            scheme.put(PADDED_CHANNELS, padded);
        }
        OnnxMl.ModelProto.Builder model = fp32.toBuilder().setGraph(g)
                .setDocString(fp32.getDocString() + "; int8 QDQ (uint8 activations, int8 per-channel weights)");
        for (int i = 0; i < model.getMetadataPropsCount(); i++) {
            if (model.getMetadataProps(i).getKey().equals(OnnxMetadata.PARAMETERS_SHA256)) {
                model.setMetadataProps(i, model.getMetadataProps(i).toBuilder()
                        .setValue(ParameterDigest.sha256(dequantizedParams)));
            }
        }
        model.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(OnnxMetadata.QUANTIZATION)
                .setValue(OnnxMetadata.write(scheme)));
        return model.build();
    }

    /**
     * Suffix of the no-op ReLU after the float first block's max pool (its input is already >= 0). It keeps ONNX
     * Runtime from moving the QuantizeLinear above the pool (its QDQ propagation crosses MaxPool, not Relu), so that
     * the convolution, ReLU and pool stay in float32 NCHWc and only the pooled tensor is converted and quantized; its
     * quantization has zero point 1 (a range widened by one step below 0), or ONNX Runtime would fold the ReLU away
     * (ReluQuantFusion) and move the QuantizeLinear up again. Measured on VGG-11 ratio 8 at 224x224, batch 64: the
     * first block about 500 -> 205 ms in ONNX Runtime's profiler on the loaded dev machine.
     */
    public static final String GUARD = "/relu";
    /** Key of the quantization metadata listing the no-op {@link #GUARD} ReLUs a reader leaves out. */
    public static final String NO_OP_RELUS = "no_op_relus";
    /**
     * Key of the quantization metadata ({@link OnnxMetadata#QUANTIZATION}) naming the float convolutions padded with
     * zero filters to a multiple of {@value #CHANNEL_BLOCK} output channels, with their original channel count:
     * {@code {"vgg_block_1.0":8}}; a reader strips the padding (and the matching zero input channels of the next
     * convolution) to get the exported network back.
     */
    public static final String PADDED_CHANNELS = "padded_channels";
    /**
     * The channel multiple the float first convolution is padded to: ONNX Runtime's NCHWc block (16 with AVX-512, 8
     * with AVX2, so 16 suits both), so that its convolution, ReLU and max pool stay in the blocked layout (as backend
     * onnx's NCHWc padding does for float sessions).
     */
    public static final int CHANNEL_BLOCK = 16;

    /** Scale and zero point of the {@link #GUARD}ed activation: 254 steps above zero point 1 (at least 1). */
    private static float[] guardedScaleAndZero(ActivationRange r) {
        float lo = Math.min(r.min(), 0f);
        float hi = Math.max(r.max(), 0f);
        float scale = (hi - lo) / (Int8Quantizer.ACTIVATION_MAX - 1);
        if (!(scale > 0f) || !Float.isFinite(scale)) {
            scale = 1f;
        }
        return new float[] {scale, Math.min(Int8Quantizer.ACTIVATION_MAX, (int) Math.rint(-lo / scale) + 1)};
    }

    /**
     * Pads the float convolution on the image to {@value #CHANNEL_BLOCK} output channels (zero filters, zero bias)
     * and gives the next, quantized convolution matching zero int8 input weights; the logits do not change (zero
     * channels stay zero through ReLU and pooling, and meet zero weights). Returns the padded convolution's path and
     * original channel count, or an empty map.
     */
    private static Map<String, Integer> padFloatConvolution(OnnxMl.GraphProto.Builder g, Plan plan) {
        List<OnnxMl.NodeProto> nodes = g.getNodeList();
        OnnxMl.NodeProto conv = null;
        OnnxMl.NodeProto next = null;
        for (OnnxMl.NodeProto n : nodes) {
            if (n.getOpType().equals("Conv")) {
                if (conv == null) {
                    conv = n;
                } else {
                    next = n;
                    break;
                }
            } else if (conv != null && !List.of("Relu", "MaxPool", "QuantizeLinear", "DequantizeLinear")
                    .contains(n.getOpType())) {
                return Map.of();
            }
        }
        if (conv == null || next == null || plan.quantized.contains(conv.getName())
                || !plan.quantized.contains(next.getName())) {
            return Map.of();
        }
        int w = initializerIndex(g, conv.getInput(1));
        int b = initializerIndex(g, conv.getInput(2));
        int nextW = initializerIndex(g, next.getInput(1) + "/quantized");
        int channels = Math.toIntExact(g.getInitializer(w).getDims(0));
        if (channels % CHANNEL_BLOCK == 0) {
            return Map.of();
        }
        int wide = channels + CHANNEL_BLOCK - channels % CHANNEL_BLOCK;
        g.setInitializer(w, padAxis(g.getInitializer(w), 0, wide, Float.BYTES));
        g.setInitializer(b, padAxis(g.getInitializer(b), 0, wide, Float.BYTES));
        g.setInitializer(nextW, padAxis(g.getInitializer(nextW), 1, wide, 1));
        return Map.of(conv.getName(), channels);
    }

    private static int initializerIndex(OnnxMl.GraphProto.Builder g, String name) {
        for (int i = 0; i < g.getInitializerCount(); i++) {
            if (g.getInitializer(i).getName().equals(name)) {
                return i;
            }
        }
        throw new IllegalStateException("no initializer " + name);
    }

    /** {@code t} (raw data, {@code width} bytes a value) with axis {@code axis} zero-padded to {@code size}. */
    private static OnnxMl.TensorProto padAxis(OnnxMl.TensorProto t, int axis, int size, int width) {
        long outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= t.getDims(i);
        }
        long inner = width;
        for (int i = axis + 1; i < t.getDimsCount(); i++) {
            inner *= t.getDims(i);
        }
        int from = Math.toIntExact(t.getDims(axis) * inner);
        int to = Math.toIntExact(size * inner);
        byte[] src = t.getRawData().toByteArray();
        byte[] dst = new byte[Math.toIntExact(outer * to)];
        for (int o = 0; o < outer; o++) {
            System.arraycopy(src, o * from, dst, o * to, from);
        }
        return t.toBuilder().setDims(axis, size).setRawData(ByteString.copyFrom(dst)).build();
    }

    /** The activation that a MaxPool or Flatten output inherits its quantization from, transitively. */
    private static String root(Plan plan, String value) {
        String v = value;
        while (plan.points.get(v) != null) {
            v = plan.points.get(v);
        }
        return v;
    }

    /**
     * Which values get a Q/DQ pair: value to null (own range) or to the value it inherits from; which Conv/Gemm
     * nodes are quantized (all but {@link #floatLayer}); and the max pool output, if any, where the float first block
     * hands over to the quantized layers (or null), which gets the {@link #GUARD} ReLU.
     */
    private record Plan(Map<String, String> points, Set<String> quantized, String guarded) {
    }

    private static Plan plan(OnnxMl.GraphProto graph) {
        List<OnnxMl.NodeProto> nodes = graph.getNodeList();
        String input = graph.getInput(0).getName();
        Set<String> quantized = new LinkedHashSet<>();
        for (OnnxMl.NodeProto node : nodes) {
            if (isWeighted(node) && !floatLayer(node, input)) {
                quantized.add(node.getName());
            }
        }
        Map<String, String> points = new LinkedHashMap<>();
        // values produced in the quantized region: a quantized layer's output (before its ReLU), and what follows
        Set<String> region = new LinkedHashSet<>();
        String output = graph.getOutput(0).getName();
        for (int i = 0; i < nodes.size(); i++) {
            OnnxMl.NodeProto node = nodes.get(i);
            String x = node.getInput(0);
            boolean q = quantized.contains(node.getName());
            if (q && !points.containsKey(x)) {
                points.put(x, null); // a quantized layer reads a quantized input: entering the region
            }
            String y = node.getOutput(0);
            if (y.equals(output)) {
                continue;
            }
            String op = node.getOpType();
            boolean reluNext = i + 1 < nodes.size() && nodes.get(i + 1).getOpType().equals("Relu");
            if (q && reluNext) {
                region.add(y); // the ReLU's output gets the pair
            } else if (q || region.contains(x) || points.containsKey(x)) {
                boolean keepsScale = (op.equals("MaxPool") || op.equals("Flatten")) && points.containsKey(x);
                points.put(y, keepsScale ? x : null);
            }
        }
        // the float block's max pool feeding the first quantized layer: guarded by a no-op ReLU (see GUARD)
        String guarded = null;
        for (OnnxMl.NodeProto node : nodes) {
            if (points.containsKey(node.getOutput(0)) && points.get(node.getOutput(0)) == null) {
                guarded = node.getOpType().equals("MaxPool") && !points.containsKey(node.getInput(0))
                        ? node.getOutput(0) : null;
                break;
            }
        }
        return new Plan(points, quantized, guarded);
    }

    /**
     * Whether a Conv or Gemm stays float32: the convolution that reads the image itself (1 to 4 channels). With so few
     * input channels ONNX Runtime's QLinearConv is slower than its float NCHWc convolution (VGG-11 ratio 8 at
     * 224x224, batch 64, ONNX Runtime's profiler on the loaded 2-core dev machine: 375 ms against 137 ms for this
     * one layer), and the image needs no quantization then.
     */
    private static boolean floatLayer(OnnxMl.NodeProto node, String input) {
        return node.getOpType().equals("Conv") && node.getInput(0).equals(input);
    }

    private static boolean isWeighted(OnnxMl.NodeProto node) {
        return (node.getOpType().equals("Conv") || node.getOpType().equals("Gemm")) && node.getInputCount() == 3;
    }

    private static void quantizeActivation(String v, float[] scaleAndZero, List<OnnxMl.NodeProto> nodes,
            List<OnnxMl.TensorProto> inits) {
        inits.add(floats(v + "/scale", new long[0], new float[] {scaleAndZero[0]}));
        inits.add(tensor(v + "/zero_point", UINT8, new long[0], raw(new byte[] {(byte) (int) scaleAndZero[1]})));
        nodes.add(OnnxMl.NodeProto.newBuilder().setName(v + "/QuantizeLinear").setOpType("QuantizeLinear")
                .addInput(v).addInput(v + "/scale").addInput(v + "/zero_point").addOutput(v + "/quantized").build());
        nodes.add(OnnxMl.NodeProto.newBuilder().setName(v + "/DequantizeLinear").setOpType("DequantizeLinear")
                .addInput(v + "/quantized").addInput(v + "/scale").addInput(v + "/zero_point")
                .addOutput(v + "/dequantized").build());
    }

    private static OnnxMl.NodeProto dequantizeWeight(String w) {
        return OnnxMl.NodeProto.newBuilder().setName(w + "/DequantizeLinear").setOpType("DequantizeLinear")
                .addInput(w + "/quantized").addInput(w + "/scale").addInput(w + "/zero_point").addOutput(w)
                .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("axis").setI(0)
                        .setType(OnnxMl.AttributeProto.AttributeType.INT))
                .build();
    }

    private static long[] dims(Tensor t) {
        int[] d = t.shape().dims();
        long[] out = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = d[i];
        }
        return out;
    }

    private static ByteString raw(byte[] b) {
        return ByteString.copyFrom(b);
    }

    private static ByteString ints(int[] v) {
        ByteBuffer buf = ByteBuffer.allocate(v.length * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.asIntBuffer().put(v);
        return ByteString.copyFrom(buf.array());
    }

    private static OnnxMl.TensorProto floats(String name, long[] dims, float[] v) {
        ByteBuffer buf = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(v);
        return tensor(name, FLOAT, dims, ByteString.copyFrom(buf.array()));
    }

    private static OnnxMl.TensorProto tensor(String name, int type, long[] dims, ByteString raw) {
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(type).setRawData(raw);
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }
}
