package org.vgg4j.core;

import java.nio.FloatBuffer;
import java.util.Objects;

/**
 * An immutable host-side float32 tensor in row-major order (NCHW for images): the only tensor type that crosses the
 * backend SPI.
 */
public final class Tensor {
    private final Shape shape;
    private final float[] data;

    private Tensor(Shape shape, float[] data) {
        this.shape = Objects.requireNonNull(shape, "shape");
        if (shape.elementCount() != data.length) {
            throw new IllegalArgumentException(
                    "shape " + shape + " needs " + shape.elementCount() + " values, got " + data.length);
        }
        this.data = data;
    }

    /** A tensor holding a copy of {@code data}. */
    public static Tensor of(Shape shape, float[] data) {
        return new Tensor(shape, data.clone());
    }

    /**
     * A tensor that takes ownership of {@code data} without copying; the caller must not modify the array afterwards.
     */
    public static Tensor wrap(Shape shape, float[] data) {
        return new Tensor(shape, data);
    }

    /** A tensor of zeros. */
    public static Tensor zeros(Shape shape) {
        return new Tensor(shape, new float[Math.toIntExact(shape.elementCount())]);
    }

    public Shape shape() {
        return shape;
    }

    /** Number of elements. */
    public int size() {
        return data.length;
    }

    /** Element at a flat row-major index. */
    public float get(int flatIndex) {
        return data[flatIndex];
    }

    /** A copy of the values. */
    public float[] toArray() {
        return data.clone();
    }

    /** A read-only view of the values, for handing to an engine without an extra copy. */
    public FloatBuffer buffer() {
        return FloatBuffer.wrap(data).asReadOnlyBuffer();
    }

    /** Copies the values into {@code target} starting at {@code offset}. */
    public void copyTo(float[] target, int offset) {
        System.arraycopy(data, 0, target, offset, data.length);
    }

    /** The same values under another shape with the same element count. */
    public Tensor reshape(Shape newShape) {
        return new Tensor(newShape, data);
    }

    /** Rows {@code from} (inclusive) to {@code to} (exclusive) along dimension 0, copied. */
    public Tensor slice(int from, int to) {
        int rows = shape.dim(0);
        if (from < 0 || to > rows || from > to) {
            throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") of " + rows + " rows");
        }
        int rowSize = rows == 0 ? 0 : data.length / rows;
        float[] out = new float[(to - from) * rowSize];
        System.arraycopy(data, from * rowSize, out, 0, out.length);
        return new Tensor(shape.withBatch(to - from), out);
    }

    /** Largest absolute element-wise difference to {@code other}, which must have the same shape. */
    public double maxAbsDiff(Tensor other) {
        if (!shape.equals(other.shape)) {
            throw new IllegalArgumentException("shapes differ: " + shape + " vs " + other.shape);
        }
        double max = 0;
        for (int i = 0; i < data.length; i++) {
            max = Math.max(max, Math.abs((double) data[i] - other.data[i]));
        }
        return max;
    }

    /** Largest absolute element value (0 for an empty tensor). */
    public double maxAbs() {
        double max = 0;
        for (float v : data) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }

    @Override
    public String toString() {
        return "Tensor" + shape;
    }
}
