package org.vgg4j.onnx;

import ai.onnx.proto.OnnxMl;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.tribuo.util.onnx.ONNXAttribute;
import org.tribuo.util.onnx.ONNXOperator;

/**
 * The ONNX operators (default domain, opset {@value #OPSET}) that vgg4j layers export to, declared through Tribuo's
 * public {@link ONNXOperator} interface because Tribuo's own operator enum lacks Conv, MaxPool, Relu, Flatten and the
 * normalisation and average-pooling operators.
 *
 * <p>Attribute declarations are kept in insertion order; the exporter passes attribute values in ordered maps too, so
 * the serialized nodes are byte-for-byte reproducible.
 */
enum OnnxOp implements ONNXOperator {
    /** {@code Conv(X, W, B)}: 2-D convolution with bias, NCHW. */
    CONV("Conv", 2, 1, attributes(
            ints("kernel_shape"), ints("pads"), ints("strides"), ints("dilations"), integer("group"))),
    /** {@code Relu(X)}. */
    RELU("Relu", 1, 0, attributes()),
    /** {@code MaxPool(X)} with its single (non-index) output. */
    MAX_POOL("MaxPool", 1, 0, attributes(
            ints("kernel_shape"), ints("pads"), ints("strides"), integer("ceil_mode"))),
    /** {@code Flatten(X)} to 2-D at {@code axis}. */
    FLATTEN("Flatten", 1, 0, attributes(integer("axis"))),
    /** {@code Gemm(A, B, C)}: {@code alpha * A * B' + beta * C}, the fully connected layer with {@code transB = 1}. */
    GEMM("Gemm", 2, 1, attributes(
            new ONNXAttribute("alpha", OnnxMl.AttributeProto.AttributeType.FLOAT, false),
            new ONNXAttribute("beta", OnnxMl.AttributeProto.AttributeType.FLOAT, false),
            integer("transA"), integer("transB"))),
    /**
     * {@code BatchNormalization(X, scale, B, mean, var)} in inference mode (no {@code training_mode}): the running
     * statistics are initializers; ONNX's {@code momentum} is {@code 1 -} PyTorch's.
     */
    BATCH_NORMALIZATION("BatchNormalization", 5, 0, attributes(
            floating("epsilon"), floating("momentum"))),
    /** {@code AveragePool(X)}; {@code count_include_pad = 1} is PyTorch's default. */
    AVERAGE_POOL("AveragePool", 1, 0, attributes(
            ints("kernel_shape"), ints("pads"), ints("strides"), integer("count_include_pad"), integer("ceil_mode"))),
    /** {@code GlobalAveragePool(X)}: the mean over H and W, to [N, C, 1, 1]. */
    GLOBAL_AVERAGE_POOL("GlobalAveragePool", 1, 0, attributes()),
    /**
     * {@code Einsum(X, Ah, Aw)} with {@code equation = "nchw,ih,jw->ncij"}: an adaptive average pool whose bins are not
     * uniform, as two constant averaging matrices over H and W.
     */
    EINSUM("Einsum", 3, 0, attributes(
            new ONNXAttribute("equation", OnnxMl.AttributeProto.AttributeType.STRING, false)));

    /** The ONNX opset every exported model imports. */
    static final int OPSET = 17;

    private final String opName;
    private final int inputs;
    private final int optionalInputs;
    private final Map<String, ONNXAttribute> attributes;

    OnnxOp(String opName, int inputs, int optionalInputs, Map<String, ONNXAttribute> attributes) {
        this.opName = opName;
        this.inputs = inputs;
        this.optionalInputs = optionalInputs;
        this.attributes = attributes;
    }

    @Override
    public String getOpName() {
        return opName;
    }

    @Override
    public int getNumInputs() {
        return inputs;
    }

    @Override
    public int getNumOptionalInputs() {
        return optionalInputs;
    }

    @Override
    public int getNumOutputs() {
        return 1;
    }

    @Override
    public Map<String, ONNXAttribute> getAttributes() {
        return attributes;
    }

    @Override
    public Set<String> getMandatoryAttributeNames() {
        return Collections.emptySet();
    }

    @Override
    public int getOpVersion() {
        return OPSET;
    }

    /** Null: the default ONNX domain (Tribuo then leaves the node's domain unset). */
    @Override
    public String getOpDomain() {
        return null;
    }

    private static ONNXAttribute ints(String name) {
        return new ONNXAttribute(name, OnnxMl.AttributeProto.AttributeType.INTS, false);
    }

    private static ONNXAttribute floating(String name) {
        return new ONNXAttribute(name, OnnxMl.AttributeProto.AttributeType.FLOAT, false);
    }

    private static ONNXAttribute integer(String name) {
        return new ONNXAttribute(name, OnnxMl.AttributeProto.AttributeType.INT, false);
    }

    private static Map<String, ONNXAttribute> attributes(ONNXAttribute... declared) {
        Map<String, ONNXAttribute> out = new LinkedHashMap<>();
        for (ONNXAttribute a : declared) {
            out.put(a.getName(), a);
        }
        return Collections.unmodifiableMap(out);
    }
}
