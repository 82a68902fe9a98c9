package org.vgg4j.datasets;

import java.util.Objects;

/**
 * Resizes 8-bit greyscale images with bilinear interpolation and scales the result to [0, 1] floats; the
 * interpolation indices and weights are computed once per (input size, output size, mode), so resizing a batch is a
 * pair of small separable convolutions per image. Instances are immutable and thread-safe.
 *
 * <p>The filter is PIL's bilinear resampling: output pixel {@code x} is centred at input coordinate
 * {@code (x + 0.5) * in / out}, its weights are the triangle filter {@code max(0, 1 - |d|)} (widened by
 * {@code in / out} when shrinking), clipped at the image border and renormalised. For upsampling that equals
 * {@code align_corners=False} bilinear interpolation with border clamping. Same size in and out is the identity.
 */
public final class Resizer {
    /** PIL's fixed-point precision for 8-bit images: {@code 32 - 8 - 2} bits. */
    private static final int PRECISION_BITS = 22;
    private static final int HALF = 1 << (PRECISION_BITS - 1);
    private static final float[] UNIT_SCALE = new float[256];
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    static {
        for (int i = 0; i < 256; i++) {
            UNIT_SCALE[i] = i / 255f;
        }
    }

    private final int inRows;
    private final int inCols;
    private final int outRows;
    private final int outCols;
    private final ResizeMode mode;
    private final Axis horizontal;
    private final Axis vertical;

    /**
     * A resizer from {@code inRows x inCols} to {@code outRows x outCols}.
     *
     * @param inRows  input height, at least 1
     * @param inCols  input width, at least 1
     * @param outRows output height, at least 1
     * @param outCols output width, at least 1
     * @param mode    the interpolation arithmetic; not null
     * @throws IllegalArgumentException if a size is not positive
     */
    public Resizer(int inRows, int inCols, int outRows, int outCols, ResizeMode mode) {
        if (inRows <= 0 || inCols <= 0 || outRows <= 0 || outCols <= 0) {
            throw new IllegalArgumentException("image sizes must be positive: " + inRows + "x" + inCols + " -> "
                    + outRows + "x" + outCols);
        }
        this.inRows = inRows;
        this.inCols = inCols;
        this.outRows = outRows;
        this.outCols = outCols;
        this.mode = Objects.requireNonNull(mode, "mode");
        this.horizontal = inCols == outCols ? null : Axis.of(inCols, outCols);
        this.vertical = inRows == outRows ? null : Axis.of(inRows, outRows);
    }

    /**
     * A square resizer {@code in x in -> out x out}.
     *
     * @param in   input height and width, at least 1
     * @param out  output height and width, at least 1
     * @param mode the interpolation arithmetic; not null
     * @return the resizer
     */
    public static Resizer square(int in, int out, ResizeMode mode) {
        return new Resizer(in, in, out, out, mode);
    }

    /**
     * Input height.
     *
     * @return the number of input rows, at least 1
     */
    public int inRows() {
        return inRows;
    }

    /**
     * Input width.
     *
     * @return the number of input columns, at least 1
     */
    public int inCols() {
        return inCols;
    }

    /**
     * Output height.
     *
     * @return the number of output rows, at least 1
     */
    public int outRows() {
        return outRows;
    }

    /**
     * Output width.
     *
     * @return the number of output columns, at least 1
     */
    public int outCols() {
        return outCols;
    }

    /**
     * Number of output values per image: {@code outRows * outCols}.
     *
     * @return the size of one resized image, in values
     */
    public int outSize() {
        return outRows * outCols;
    }

    /**
     * The interpolation arithmetic.
     *
     * @return the mode given at construction
     */
    public ResizeMode mode() {
        return mode;
    }

    /**
     * Resizes the image at {@code src[srcOffset ..]} ({@code inRows * inCols} bytes, unsigned) into
     * {@code dst[dstOffset ..]} ({@code outRows * outCols} floats in [0, 1]).
     *
     * @param src       the input images' bytes
     * @param srcOffset index in {@code src} of the image's first byte
     * @param dst       the output array
     * @param dstOffset index in {@code dst} of the first value written
     */
    public void resize(byte[] src, int srcOffset, float[] dst, int dstOffset) {
        if (mode == ResizeMode.PIL) {
            Scratch s = SCRATCH.get();
            byte[] out = s.bytes(outRows * outCols);
            resizeBytes(src, srcOffset, out, 0);
            int n = outRows * outCols;
            for (int i = 0; i < n; i++) {
                dst[dstOffset + i] = UNIT_SCALE[out[i] & 0xFF];
            }
        } else {
            resizeFloat(src, srcOffset, dst, dstOffset);
        }
    }

    /**
     * Resizes with PIL's 8-bit arithmetic into {@code dst[dstOffset ..]} ({@code outRows * outCols} bytes): the
     * image torchvision's {@code Resize} gives for a PIL image of mode "L".
     *
     * @param src       the input images' bytes ({@code inRows * inCols} unsigned values from {@code srcOffset})
     * @param srcOffset index in {@code src} of the image's first byte
     * @param dst       the output array
     * @param dstOffset index in {@code dst} of the first byte written
     */
    public void resizeBytes(byte[] src, int srcOffset, byte[] dst, int dstOffset) {
        Scratch scratch = SCRATCH.get();
        byte[] rowsDone;
        int rowsOffset;
        if (horizontal == null) {
            rowsDone = src;
            rowsOffset = srcOffset;
        } else {
            rowsDone = scratch.rows(inRows * outCols);
            rowsOffset = 0;
            Axis h = horizontal;
            for (int y = 0; y < inRows; y++) {
                int rowIn = srcOffset + y * inCols;
                int rowOut = y * outCols;
                for (int x = 0; x < outCols; x++) {
                    int min = rowIn + h.min[x];
                    int n = h.count[x];
                    int k = x * h.ksize;
                    int acc = HALF;
                    for (int i = 0; i < n; i++) {
                        acc += (src[min + i] & 0xFF) * h.fixed[k + i];
                    }
                    rowsDone[rowOut + x] = clip8(acc);
                }
            }
        }
        if (vertical == null) {
            System.arraycopy(rowsDone, rowsOffset, dst, dstOffset, outRows * outCols);
            return;
        }
        Axis v = vertical;
        int[] acc = scratch.acc(outCols);
        for (int y = 0; y < outRows; y++) {
            java.util.Arrays.fill(acc, 0, outCols, HALF);
            int min = v.min[y];
            int n = v.count[y];
            int k = y * v.ksize;
            for (int i = 0; i < n; i++) {
                int w = v.fixed[k + i];
                if (w == 0) {
                    continue;
                }
                int row = rowsOffset + (min + i) * outCols;
                for (int x = 0; x < outCols; x++) {
                    acc[x] += (rowsDone[row + x] & 0xFF) * w;
                }
            }
            int rowOut = dstOffset + y * outCols;
            for (int x = 0; x < outCols; x++) {
                dst[rowOut + x] = clip8(acc[x]);
            }
        }
    }

    /**
     * Resizes a plane of floats with PIL's bilinear weights in double precision (PIL's mode "F" filter: no 8-bit
     * rounding and no clipping), whatever this resizer's {@link #mode()}: the resize of images that are already
     * floats, such as {@code RandomResizedCrop}'s box.
     *
     * @param src       the input values ({@code inRows * inCols} from {@code srcOffset}, row-major)
     * @param srcOffset index in {@code src} of the plane's first value
     * @param dst       the output array
     * @param dstOffset index in {@code dst} of the first of the {@code outRows * outCols} values written
     */
    public void resizeFloats(float[] src, int srcOffset, float[] dst, int dstOffset) {
        double[] rowsDone = new double[inRows * outCols];
        for (int y = 0; y < inRows; y++) {
            int rowIn = srcOffset + y * inCols;
            int rowOut = y * outCols;
            if (horizontal == null) {
                for (int x = 0; x < outCols; x++) {
                    rowsDone[rowOut + x] = src[rowIn + x];
                }
                continue;
            }
            Axis h = horizontal;
            for (int x = 0; x < outCols; x++) {
                int min = h.min[x];
                int n = h.count[x];
                int k = x * h.ksize;
                double acc = 0;
                for (int i = 0; i < n; i++) {
                    acc += src[rowIn + min + i] * h.weights[k + i];
                }
                rowsDone[rowOut + x] = acc;
            }
        }
        if (vertical == null) {
            for (int i = 0; i < outRows * outCols; i++) {
                dst[dstOffset + i] = (float) rowsDone[i];
            }
            return;
        }
        Axis v = vertical;
        double[] acc = new double[outCols];
        for (int y = 0; y < outRows; y++) {
            java.util.Arrays.fill(acc, 0.0);
            int min = v.min[y];
            int n = v.count[y];
            int k = y * v.ksize;
            for (int i = 0; i < n; i++) {
                double w = v.weights[k + i];
                int row = (min + i) * outCols;
                for (int x = 0; x < outCols; x++) {
                    acc[x] += rowsDone[row + x] * w;
                }
            }
            int rowOut = dstOffset + y * outCols;
            for (int x = 0; x < outCols; x++) {
                dst[rowOut + x] = (float) acc[x];
            }
        }
    }

    private void resizeFloat(byte[] src, int srcOffset, float[] dst, int dstOffset) {
        float[] rowsDone = new float[inRows * outCols];
        for (int y = 0; y < inRows; y++) {
            int rowIn = srcOffset + y * inCols;
            int rowOut = y * outCols;
            if (horizontal == null) {
                for (int x = 0; x < outCols; x++) {
                    rowsDone[rowOut + x] = UNIT_SCALE[src[rowIn + x] & 0xFF];
                }
                continue;
            }
            Axis h = horizontal;
            for (int x = 0; x < outCols; x++) {
                int min = h.min[x];
                int n = h.count[x];
                int k = x * h.ksize;
                double acc = 0;
                for (int i = 0; i < n; i++) {
                    acc += (src[rowIn + min + i] & 0xFF) * h.weights[k + i];
                }
                rowsDone[rowOut + x] = (float) (acc / 255.0);
            }
        }
        if (vertical == null) {
            System.arraycopy(rowsDone, 0, dst, dstOffset, outRows * outCols);
            return;
        }
        Axis v = vertical;
        double[] acc = new double[outCols];
        for (int y = 0; y < outRows; y++) {
            java.util.Arrays.fill(acc, 0.0);
            int min = v.min[y];
            int n = v.count[y];
            int k = y * v.ksize;
            for (int i = 0; i < n; i++) {
                double w = v.weights[k + i];
                int row = (min + i) * outCols;
                for (int x = 0; x < outCols; x++) {
                    acc[x] += rowsDone[row + x] * w;
                }
            }
            int rowOut = dstOffset + y * outCols;
            for (int x = 0; x < outCols; x++) {
                dst[rowOut + x] = (float) Math.min(1.0, Math.max(0.0, acc[x]));
            }
        }
    }

    /** Per-thread work buffers, grown on demand, so resizing allocates nothing per image. */
    private static final class Scratch {
        private byte[] rows = new byte[0];
        private byte[] bytes = new byte[0];
        private int[] acc = new int[0];

        byte[] rows(int n) {
            if (rows.length < n) {
                rows = new byte[n];
            }
            return rows;
        }

        byte[] bytes(int n) {
            if (bytes.length < n) {
                bytes = new byte[n];
            }
            return bytes;
        }

        int[] acc(int n) {
            if (acc.length < n) {
                acc = new int[n];
            }
            return acc;
        }
    }

    private static byte clip8(int acc) {
        if (acc >= (1 << PRECISION_BITS << 8)) {
            return (byte) 255;
        }
        if (acc <= 0) {
            return 0;
        }
        return (byte) (acc >> PRECISION_BITS);
    }

    /** The taps of one axis: for output index {@code o}, {@code count[o]} inputs from {@code min[o]}. */
    private static final class Axis {
        final int ksize;
        final int[] min;
        final int[] count;
        final double[] weights;
        final int[] fixed;

        private Axis(int ksize, int out) {
            this.ksize = ksize;
            this.min = new int[out];
            this.count = new int[out];
            this.weights = new double[out * ksize];
            this.fixed = new int[out * ksize];
        }

        static Axis of(int in, int out) {
            double scale = (double) in / out;
            double filterScale = Math.max(scale, 1.0);
            double support = filterScale; // bilinear support 1, widened when shrinking
            int ksize = (int) Math.ceil(support) * 2 + 1;
            double ss = 1.0 / filterScale;
            Axis a = new Axis(ksize, out);
            for (int o = 0; o < out; o++) {
                double center = (o + 0.5) * scale;
                int lo = Math.max((int) (center - support + 0.5), 0);
                int hi = Math.min((int) (center + support + 0.5), in);
                int n = hi - lo;
                double sum = 0;
                int k = o * ksize;
                for (int i = 0; i < n; i++) {
                    double w = triangle((i + lo - center + 0.5) * ss);
                    a.weights[k + i] = w;
                    sum += w;
                }
                for (int i = 0; i < n; i++) {
                    if (sum != 0) {
                        a.weights[k + i] /= sum;
                    }
                    double w = a.weights[k + i];
                    a.fixed[k + i] = (int) (w < 0 ? -0.5 + w * (1 << PRECISION_BITS) : 0.5 + w * (1 << PRECISION_BITS));
                }
                a.min[o] = lo;
                a.count[o] = n;
            }
            return a;
        }

        private static double triangle(double x) {
            double ax = Math.abs(x);
            return ax < 1.0 ? 1.0 - ax : 0.0;
        }
    }
}
