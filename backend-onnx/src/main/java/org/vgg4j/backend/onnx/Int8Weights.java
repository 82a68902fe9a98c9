package org.vgg4j.backend.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import org.vgg4j.onnx.Int8Quantizer;
import org.vgg4j.onnx.OnnxFormatException;

/**
 * Reads the quantized parts of an int8 (QDQ) ONNX model: a weight stored as int8, uint8 or int32 behind a
 * {@code DequantizeLinear} becomes the float32 tensor that node computes ({@link Int8Quantizer#dequantize}: per tensor,
 * or per channel along axis 0); an activation's {@code QuantizeLinear} / {@code DequantizeLinear} must take a constant
 * scalar scale and zero point.
 */
final class Int8Weights {
    private static final int FLOAT = OnnxMl.TensorProto.DataType.FLOAT.getNumber();

    private Int8Weights() {
    }

    /** Whether {@code graph} holds any QuantizeLinear or DequantizeLinear node. */
    static boolean isQuantized(OnnxMl.GraphProto graph) {
        for (OnnxMl.NodeProto n : graph.getNodeList()) {
            if (n.getOpType().equals("QuantizeLinear") || n.getOpType().equals("DequantizeLinear")) {
                return true;
            }
        }
        return false;
    }

    /** The float32 initializer that the weight {@code DequantizeLinear} {@code node} computes, named as its output. */
    static OnnxMl.TensorProto dequantize(OnnxMl.NodeProto node, Map<String, OnnxMl.TensorProto> inits, String where) {
        OnnxMl.TensorProto q = inits.get(node.getInput(0));
        OnnxMl.TensorProto scale = inits.get(node.getInput(1));
        OnnxMl.TensorProto zero = node.getInputCount() > 2 && !node.getInput(2).isEmpty()
                ? inits.get(node.getInput(2)) : null;
        if (scale == null || node.getInputCount() > 2 && !node.getInput(2).isEmpty() && zero == null) {
            throw new OnnxFormatException(where + ": the scale and zero point of a quantized weight must be stored "
                    + "in the file");
        }
        long[] values = integers(q, where);
        float[] scales = floats(scale, where);
        long[] zeros = zero == null ? new long[scales.length] : integers(zero, where);
        long axis = 1;
        for (OnnxMl.AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals("axis")) {
                axis = a.getI();
            }
        }
        if (scales.length != 1 && (axis != 0 || q.getDimsCount() == 0 || q.getDims(0) != scales.length)) {
            throw new OnnxFormatException(where + ": weight '" + q.getName() + "' has " + scales.length
                    + " scales along axis " + axis + "; vgg4j reads one scale per tensor or one per channel of "
                    + "axis 0");
        }
        if (zeros.length != scales.length) {
            throw new OnnxFormatException(where + ": weight '" + q.getName() + "' has " + scales.length
                    + " scales but " + zeros.length + " zero points");
        }
        float[] out;
        try {
            out = Int8Quantizer.dequantize(values, scales, zeros);
        } catch (IllegalArgumentException e) {
            throw new OnnxFormatException(where + ": " + e.getMessage(), e);
        }
        ByteBuffer buf = ByteBuffer.allocate(out.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(out);
        return OnnxMl.TensorProto.newBuilder().setName(node.getOutput(0)).setDataType(FLOAT)
                .addAllDims(q.getDimsList()).setRawData(ByteString.copyFrom(buf.array())).build();
    }

    /** Checks that an activation's Q or DQ node takes a stored scalar scale (and zero point). */
    static void checkActivation(OnnxMl.NodeProto node, Map<String, OnnxMl.TensorProto> inits, String where) {
        boolean ok = node.getOutputCount() == 1 && inits.containsKey(node.getInput(1))
                && elements(inits.get(node.getInput(1))) == 1
                && (node.getInputCount() < 3 || node.getInput(2).isEmpty()
                || inits.containsKey(node.getInput(2)) && elements(inits.get(node.getInput(2))) == 1);
        if (!ok) {
            throw new OnnxFormatException(where + " does not quantize the activation per tensor with a scale and "
                    + "zero point stored in the file, which is all vgg4j reads");
        }
    }

    private static long elements(OnnxMl.TensorProto t) {
        long n = 1;
        for (long d : t.getDimsList()) {
            n *= d;
        }
        return n;
    }

    private static int count(OnnxMl.TensorProto t, String where) {
        long n = elements(t);
        if (n < 0 || n > Integer.MAX_VALUE - 8) {
            throw new OnnxFormatException(where + ": tensor '" + t.getName() + "' has " + n + " values");
        }
        return (int) n;
    }

    private static float[] floats(OnnxMl.TensorProto t, String where) {
        if (t.getDataType() != FLOAT) {
            throw new OnnxFormatException(where + ": scale '" + t.getName() + "' has type "
                    + OnnxMl.TensorProto.DataType.forNumber(t.getDataType()) + "; expected FLOAT");
        }
        int n = count(t, where);
        float[] out = new float[n];
        if (!t.getRawData().isEmpty()) {
            if (t.getRawData().size() != (long) n * Float.BYTES) {
                throw mismatch(t, n, where);
            }
            t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        } else if (t.getFloatDataCount() == n) {
            for (int i = 0; i < n; i++) {
                out[i] = t.getFloatData(i);
            }
        } else {
            throw mismatch(t, n, where);
        }
        for (float f : out) {
            if (!(f > 0) || !Float.isFinite(f)) {
                throw new OnnxFormatException(where + ": scale '" + t.getName() + "' holds " + f
                        + "; scales must be positive and finite");
            }
        }
        return out;
    }

    /** The values of an int8, uint8 or int32 tensor, widened to long. */
    private static long[] integers(OnnxMl.TensorProto t, String where) {
        OnnxMl.TensorProto.DataType type = OnnxMl.TensorProto.DataType.forNumber(t.getDataType());
        int width = type == OnnxMl.TensorProto.DataType.INT8 || type == OnnxMl.TensorProto.DataType.UINT8 ? 1
                : type == OnnxMl.TensorProto.DataType.INT32 ? 4 : 0;
        if (width == 0) {
            throw new OnnxFormatException(where + ": quantized tensor '" + t.getName() + "' has type " + type
                    + "; vgg4j reads INT8, UINT8 and INT32");
        }
        int n = count(t, where);
        long[] out = new long[n];
        if (!t.getRawData().isEmpty()) {
            if (t.getRawData().size() != (long) n * width) {
                throw mismatch(t, n, where);
            }
            ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                out[i] = width == 4 ? raw.getInt() : type == OnnxMl.TensorProto.DataType.INT8 ? raw.get()
                        : Byte.toUnsignedInt(raw.get());
            }
        } else if (t.getInt32DataCount() == n) {
            for (int i = 0; i < n; i++) {
                out[i] = t.getInt32Data(i);
            }
        } else {
            throw mismatch(t, n, where);
        }
        return out;
    }

    private static OnnxFormatException mismatch(OnnxMl.TensorProto t, int n, String where) {
        return new OnnxFormatException(where + ": tensor '" + t.getName() + "' does not hold the " + n
                + " values its shape " + t.getDimsList() + " needs");
    }
}
