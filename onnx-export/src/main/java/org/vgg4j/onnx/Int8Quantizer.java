package org.vgg4j.onnx;

/**
 * The arithmetic of vgg4j's int8 models, shared by the exporter and the importer so that both compute the same floats:
 * weights are int8, symmetric, one scale per output channel ({@code max|w| / 127} over axis 0, values in
 * {@code [-127, 127]}, zero point 0); activations are uint8, one asymmetric scale and zero point per tensor from its
 * calibrated {@link ActivationRange} (widened to include 0, so that 0 is exact); biases are int32 with scale
 * {@code input scale * weight scale} of their channel and zero point 0, as ONNX Runtime's QLinearConv and QGemm take
 * them. Rounding is to the nearest integer, ties to even, as ONNX's {@code QuantizeLinear}.
 */
public final class Int8Quantizer {
    /** The largest int8 weight magnitude (the range is symmetric: -127 to 127). */
    public static final int WEIGHT_MAX = 127;
    /** The largest uint8 activation. */
    public static final int ACTIVATION_MAX = 255;

    private Int8Quantizer() {
    }

    /**
     * One scale per row of {@code weights} seen as {@code rows} contiguous rows (axis 0 of a Conv weight
     * {@code [O, I, kH, kW]} or of a Gemm weight {@code [out, in]}): {@code max|w| / 127} in float32, or 1 for an
     * all-zero row (any positive scale represents it exactly).
     *
     * @param weights the float weights, row-major
     * @param rows    the size of axis 0; divides {@code weights.length}
     * @return {@code rows} positive scales
     * @throws IllegalArgumentException if {@code rows} does not divide the weight count
     */
    public static float[] weightScales(float[] weights, int rows) {
        if (rows <= 0 || weights.length % rows != 0) {
            throw new IllegalArgumentException(weights.length + " weights do not split into " + rows + " channels");
        }
        int per = weights.length / rows;
        float[] scales = new float[rows];
        for (int r = 0; r < rows; r++) {
            float max = 0f;
            for (int i = r * per; i < (r + 1) * per; i++) {
                max = Math.max(max, Math.abs(weights[i]));
            }
            scales[r] = max > 0f ? max / WEIGHT_MAX : 1f;
        }
        return scales;
    }

    /**
     * The int8 weights: {@code clamp(round(w / scale), -127, 127)} with the scale of the weight's row.
     *
     * @param weights the float weights, row-major
     * @param scales  one scale per row, from {@link #weightScales}
     * @return the quantized weights, as many as {@code weights}
     */
    public static byte[] quantizeWeights(float[] weights, float[] scales) {
        int per = weights.length / scales.length;
        byte[] q = new byte[weights.length];
        for (int i = 0; i < weights.length; i++) {
            q[i] = (byte) clamp(Math.rint(weights[i] / scales[i / per]), -WEIGHT_MAX, WEIGHT_MAX);
        }
        return q;
    }

    /**
     * The uint8 scale of an activation: the range widened to include 0, divided by 255; 1 for a range that is all 0.
     *
     * @param range the calibrated range
     * @return a positive float32 scale
     */
    public static float activationScale(ActivationRange range) {
        float lo = Math.min(range.min(), 0f);
        float hi = Math.max(range.max(), 0f);
        float scale = (hi - lo) / ACTIVATION_MAX;
        return scale > 0f && Float.isFinite(scale) ? scale : 1f;
    }

    /**
     * The uint8 zero point of an activation: {@code clamp(round(-min / scale), 0, 255)} with the range widened to
     * include 0 (0 for a range that starts at 0, such as a ReLU's output).
     *
     * @param range the calibrated range
     * @return the zero point, 0 to 255
     */
    public static int activationZeroPoint(ActivationRange range) {
        float lo = Math.min(range.min(), 0f);
        return (int) clamp(Math.rint(-lo / activationScale(range)), 0, ACTIVATION_MAX);
    }

    /**
     * The int32 biases: {@code round(b / (inputScale * weightScale))} per channel, clamped to the int32 range.
     *
     * @param bias        the float biases, one per output channel
     * @param inputScale  the scale of the layer's quantized input
     * @param weightScale the layer's per-channel weight scales
     * @return the quantized biases
     */
    public static int[] quantizeBias(float[] bias, float inputScale, float[] weightScale) {
        float[] scales = biasScales(inputScale, weightScale);
        int[] q = new int[bias.length];
        for (int i = 0; i < bias.length; i++) {
            q[i] = (int) clamp(Math.rint(bias[i] / scales[i]), Integer.MIN_VALUE, Integer.MAX_VALUE);
        }
        return q;
    }

    /**
     * The bias scales, {@code inputScale * weightScale[c]} in float32.
     *
     * @param inputScale  the scale of the layer's quantized input
     * @param weightScale the layer's per-channel weight scales
     * @return one scale per channel
     */
    public static float[] biasScales(float inputScale, float[] weightScale) {
        float[] s = new float[weightScale.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = inputScale * weightScale[i];
        }
        return s;
    }

    /**
     * ONNX's {@code DequantizeLinear} along axis 0: {@code (q - zeroPoint[c]) * scale[c]} in float32, the channel
     * {@code c} of element {@code i} being {@code i / (q.length / scale.length)}; a single scale is per tensor.
     *
     * @param q         the quantized values, widened to long (int8, uint8 or int32)
     * @param scale     one scale per channel of axis 0, or one for the whole tensor
     * @param zeroPoint as many zero points as scales
     * @return the float values
     * @throws IllegalArgumentException if the scales do not split {@code q} into equal channels
     */
    public static float[] dequantize(long[] q, float[] scale, long[] zeroPoint) {
        if (scale.length == 0 || q.length % scale.length != 0 || zeroPoint.length != scale.length) {
            throw new IllegalArgumentException(q.length + " quantized values, " + scale.length + " scales and "
                    + zeroPoint.length + " zero points do not fit one scale and zero point per channel");
        }
        int per = q.length / scale.length;
        float[] out = new float[q.length];
        for (int i = 0; i < q.length; i++) {
            int c = per == 0 ? 0 : i / per;
            out[i] = (float) (q[i] - zeroPoint[c]) * scale[c];
        }
        return out;
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
