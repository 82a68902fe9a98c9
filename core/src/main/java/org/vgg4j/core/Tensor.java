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

    /**
     * A float32 tensor holding a copy of {@code data}.
     *
     * @param shape the shape
     * @param data  {@code shape.elementCount()} values in row-major order; copied
     * @return the tensor
     * @throws IllegalArgumentException if the value count does not match the shape
     */
    public static Tensor of(Shape shape, float[] data) {
        return new Tensor(shape, data.clone(), null);
    }

    /**
     * A float32 tensor that takes ownership of {@code data} without copying; the caller must not modify the array
     * afterwards.
     *
     * @param shape the shape
     * @param data  {@code shape.elementCount()} values in row-major order; not copied
     * @return the tensor
     * @throws IllegalArgumentException if the value count does not match the shape
     */
    public static Tensor wrap(Shape shape, float[] data) {
        return new Tensor(shape, data, null);
    }

    /**
     * An int64 tensor holding a copy of {@code data}.
     *
     * @param shape the shape
     * @param data  {@code shape.elementCount()} values in row-major order; copied
     * @return the tensor
     * @throws IllegalArgumentException if the value count does not match the shape
     */
    public static Tensor ofLongs(Shape shape, long[] data) {
        return new Tensor(shape, null, data.clone());
    }

    /**
     * An int64 tensor that takes ownership of {@code data} without copying.
     *
     * @param shape the shape
     * @param data  {@code shape.elementCount()} values in row-major order; not copied, so not to be modified after
     * @return the tensor
     * @throws IllegalArgumentException if the value count does not match the shape
     */
    public static Tensor wrapLongs(Shape shape, long[] data) {
        return new Tensor(shape, null, data);
    }

    /**
     * A float32 tensor of zeros.
     *
     * @param shape the shape, at most {@link Integer#MAX_VALUE} elements
     * @return a new tensor
     * @throws ArithmeticException if the shape has more than {@link Integer#MAX_VALUE} elements
     */
    public static Tensor zeros(Shape shape) {
        return zeros(shape, DType.F32);
    }

    /**
     * A tensor of zeros of type {@code dtype}.
     *
     * @param shape the shape, at most {@link Integer#MAX_VALUE} elements
     * @param dtype {@link DType#F32} or {@link DType#I64}
     * @return a new tensor
     * @throws ArithmeticException if the shape has more than {@link Integer#MAX_VALUE} elements
     */
    public static Tensor zeros(Shape shape, DType dtype) {
        int n = Math.toIntExact(shape.elementCount());
        return dtype == DType.F32 ? new Tensor(shape, new float[n], null) : new Tensor(shape, null, new long[n]);
    }

    /**
     * The tensor's shape.
     *
     * @return the shape, never null
     */
    public Shape shape() {
        return shape;
    }

    /**
     * The element type.
     *
     * @return {@link DType#F32} or {@link DType#I64}
     */
    public DType dtype() {
        return floats != null ? DType.F32 : DType.I64;
    }

    /**
     * Number of elements.
     *
     * @return the shape's element count, as an int
     */
    public int size() {
        return floats != null ? floats.length : longs.length;
    }

    /**
     * Element at a flat row-major index of a float32 tensor.
     *
     * @param flatIndex in [0, {@link #size()})
     * @return the value
     * @throws IllegalStateException          if this is an int64 tensor
     * @throws ArrayIndexOutOfBoundsException if the index is out of range
     */
    public float get(int flatIndex) {
        return floats()[flatIndex];
    }

    /**
     * Element at a flat row-major index of an int64 tensor.
     *
     * @param flatIndex in [0, {@link #size()})
     * @return the value
     * @throws IllegalStateException          if this is a float32 tensor
     * @throws ArrayIndexOutOfBoundsException if the index is out of range
     */
    public long getLong(int flatIndex) {
        return longs()[flatIndex];
    }

    /**
     * A copy of the values of a float32 tensor.
     *
     * @return a new row-major array of {@link #size()} values
     * @throws IllegalStateException if this is an int64 tensor
     */
    public float[] toArray() {
        return floats().clone();
    }

    /**
     * A copy of the values of an int64 tensor.
     *
     * @return a new row-major array of {@link #size()} values
     * @throws IllegalStateException if this is a float32 tensor
     */
    public long[] toLongArray() {
        return longs().clone();
    }

    /**
     * A read-only view of a float32 tensor's values, for handing to an engine without an extra copy.
     *
     * @return a read-only buffer positioned at 0 with {@link #size()} values remaining
     * @throws IllegalStateException if this is an int64 tensor
     */
    public FloatBuffer buffer() {
        return FloatBuffer.wrap(floats()).asReadOnlyBuffer();
    }

    /**
     * A read-only view of an int64 tensor's values.
     *
     * @return a read-only buffer positioned at 0 with {@link #size()} values remaining
     * @throws IllegalStateException if this is a float32 tensor
     */
    public LongBuffer longBuffer() {
        return LongBuffer.wrap(longs()).asReadOnlyBuffer();
    }

    /**
     * Copies the values of a float32 tensor into {@code target} starting at {@code offset}.
     *
     * @param target the array to fill; needs room for {@link #size()} values from {@code offset}
     * @param offset the first index of {@code target} written
     * @throws IllegalStateException     if this is an int64 tensor
     * @throws IndexOutOfBoundsException if {@code target} is too short
     */
    public void copyTo(float[] target, int offset) {
        System.arraycopy(floats(), 0, target, offset, floats.length);
    }

    /**
     * The same values under another shape with the same element count.
     *
     * @param newShape the new shape
     * @return a tensor sharing this one's values (no copy)
     * @throws IllegalArgumentException if the element counts differ
     */
    public Tensor reshape(Shape newShape) {
        return new Tensor(newShape, floats, longs);
    }

    /**
     * Rows {@code from} (inclusive) to {@code to} (exclusive) along dimension 0, copied.
     *
     * @param from first row, >= 0
     * @param to   row after the last, in [from, rows]
     * @return a new tensor of {@code to - from} rows and the same type
     * @throws IndexOutOfBoundsException if the range is not within the rows
     */
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

    /**
     * Largest absolute element-wise difference to {@code other}, which must have the same shape and type.
     *
     * @param other the tensor to compare with
     * @return the maximum {@code |a - b|} in double precision; 0 for empty tensors
     * @throws IllegalArgumentException if the shapes or types differ
     */
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

    /**
     * Largest absolute element value (0 for an empty tensor).
     *
     * @return the maximum {@code |x|} in double precision
     */
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
