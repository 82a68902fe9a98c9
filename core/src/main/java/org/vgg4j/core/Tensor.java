package org.vgg4j.core;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Objects;

/**
 * An immutable host-side tensor in row-major order (NCHW for images), of float32 ({@link DType#F32}) or int64
 * ({@link DType#I64}) elements: the only tensor type that crosses the backend SPI.
 *
 * <p>The float accessors ({@link #get}, {@link #toArray}, {@link #buffer}, {@link #copyTo}) serve float32 tensors and
 * refuse int64 ones, and the long accessors the reverse, so an integer buffer is never silently rounded to a float.
 */
public final class Tensor {
    private final Shape shape;
    private final float[] floats;
    private final long[] longs;

    private Tensor(Shape shape, float[] floats, long[] longs) {
        this.shape = Objects.requireNonNull(shape, "shape");
        int length = floats != null ? floats.length : longs.length;
        if (shape.elementCount() != length) {
            throw new IllegalArgumentException(
                    "shape " + shape + " needs " + shape.elementCount() + " values, got " + length);
        }
        this.floats = floats;
        this.longs = longs;
    }

    /** A float32 tensor holding a copy of {@code data}. */
    public static Tensor of(Shape shape, float[] data) {
        return new Tensor(shape, data.clone(), null);
    }

    /**
     * A float32 tensor that takes ownership of {@code data} without copying; the caller must not modify the array
     * afterwards.
     */
    public static Tensor wrap(Shape shape, float[] data) {
        return new Tensor(shape, data, null);
    }

    /** An int64 tensor holding a copy of {@code data}. */
    public static Tensor ofLongs(Shape shape, long[] data) {
        return new Tensor(shape, null, data.clone());
    }

    /** An int64 tensor that takes ownership of {@code data} without copying. */
    public static Tensor wrapLongs(Shape shape, long[] data) {
        return new Tensor(shape, null, data);
    }

    /** A float32 tensor of zeros. */
    public static Tensor zeros(Shape shape) {
        return zeros(shape, DType.F32);
    }

    /** A tensor of zeros of type {@code dtype}. */
    public static Tensor zeros(Shape shape, DType dtype) {
        int n = Math.toIntExact(shape.elementCount());
        return dtype == DType.F32 ? new Tensor(shape, new float[n], null) : new Tensor(shape, null, new long[n]);
    }

    public Shape shape() {
        return shape;
    }

    /** The element type. */
    public DType dtype() {
        return floats != null ? DType.F32 : DType.I64;
    }

    /** Number of elements. */
    public int size() {
        return floats != null ? floats.length : longs.length;
    }

    /** Element at a flat row-major index of a float32 tensor. */
    public float get(int flatIndex) {
        return floats()[flatIndex];
    }

    /** Element at a flat row-major index of an int64 tensor. */
    public long getLong(int flatIndex) {
        return longs()[flatIndex];
    }

    /** A copy of the values of a float32 tensor. */
    public float[] toArray() {
        return floats().clone();
    }

    /** A copy of the values of an int64 tensor. */
    public long[] toLongArray() {
        return longs().clone();
    }

    /** A read-only view of a float32 tensor's values, for handing to an engine without an extra copy. */
    public FloatBuffer buffer() {
        return FloatBuffer.wrap(floats()).asReadOnlyBuffer();
    }

    /** A read-only view of an int64 tensor's values. */
    public LongBuffer longBuffer() {
        return LongBuffer.wrap(longs()).asReadOnlyBuffer();
    }

    /** Copies the values of a float32 tensor into {@code target} starting at {@code offset}. */
    public void copyTo(float[] target, int offset) {
        System.arraycopy(floats(), 0, target, offset, floats.length);
    }

    /** The same values under another shape with the same element count. */
    public Tensor reshape(Shape newShape) {
        return new Tensor(newShape, floats, longs);
    }

    /** Rows {@code from} (inclusive) to {@code to} (exclusive) along dimension 0, copied. */
    public Tensor slice(int from, int to) {
        int rows = shape.dim(0);
        if (from < 0 || to > rows || from > to) {
            throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") of " + rows + " rows");
        }
        int rowSize = rows == 0 ? 0 : size() / rows;
        Shape sliced = shape.withBatch(to - from);
        if (floats != null) {
            float[] out = new float[(to - from) * rowSize];
            System.arraycopy(floats, from * rowSize, out, 0, out.length);
            return new Tensor(sliced, out, null);
        }
        long[] out = new long[(to - from) * rowSize];
        System.arraycopy(longs, from * rowSize, out, 0, out.length);
        return new Tensor(sliced, null, out);
    }

    /** Largest absolute element-wise difference to {@code other}, which must have the same shape and type. */
    public double maxAbsDiff(Tensor other) {
        if (!shape.equals(other.shape)) {
            throw new IllegalArgumentException("shapes differ: " + shape + " vs " + other.shape);
        }
        if (dtype() != other.dtype()) {
            throw new IllegalArgumentException("types differ: " + dtype() + " vs " + other.dtype());
        }
        double max = 0;
        for (int i = 0; i < size(); i++) {
            max = Math.max(max, Math.abs(value(i) - other.value(i)));
        }
        return max;
    }

    /** Largest absolute element value (0 for an empty tensor). */
    public double maxAbs() {
        double max = 0;
        for (int i = 0; i < size(); i++) {
            max = Math.max(max, Math.abs(value(i)));
        }
        return max;
    }

    private double value(int i) {
        return floats != null ? floats[i] : (double) longs[i];
    }

    private float[] floats() {
        if (floats == null) {
            throw new IllegalStateException("this tensor " + shape + " holds int64 values; read it with getLong, "
                    + "toLongArray or longBuffer");
        }
        return floats;
    }

    private long[] longs() {
        if (longs == null) {
            throw new IllegalStateException("this tensor " + shape + " holds float32 values; read it with get, "
                    + "toArray or buffer");
        }
        return longs;
    }

    @Override
    public String toString() {
        return "Tensor" + shape + (floats != null ? "" : " " + DType.I64);
    }
}
