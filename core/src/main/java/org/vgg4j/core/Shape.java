package org.vgg4j.core;

import java.util.Arrays;

/**
 * An immutable list of non-negative tensor dimensions, printed like PyTorch's {@code torch.Size}: {@code [1, 64, 112, 112]}.
 */
public final class Shape {
    private final int[] dims;

    private Shape(int[] dims) {
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(dims));
            }
        }
        this.dims = dims;
    }

    /** Creates a shape from its dimensions, outermost first. */
    public static Shape of(int... dims) {
        return new Shape(dims.clone());
    }

    /** Number of dimensions. */
    public int rank() {
        return dims.length;
    }

    /** The size of dimension {@code axis}; negative axes count from the end. */
    public int dim(int axis) {
        return dims[axis < 0 ? dims.length + axis : axis];
    }

    /** A copy of the dimensions. */
    public int[] dims() {
        return dims.clone();
    }

    /** The dimensions as longs, the form most engines take. */
    public long[] toLongArray() {
        long[] out = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            out[i] = dims[i];
        }
        return out;
    }

    /** Number of elements: the product of the dimensions (1 for a scalar). */
    public long elementCount() {
        long n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    /** This shape with dimension 0 replaced by {@code batch}. */
    public Shape withBatch(int batch) {
        int[] copy = dims.clone();
        copy[0] = batch;
        return new Shape(copy);
    }

    /** This shape with {@code batch} prepended. */
    public Shape prepend(int batch) {
        int[] copy = new int[dims.length + 1];
        copy[0] = batch;
        System.arraycopy(dims, 0, copy, 1, dims.length);
        return new Shape(copy);
    }

    /** This shape without its first dimension. */
    public Shape dropFirst() {
        return new Shape(Arrays.copyOfRange(dims, 1, dims.length));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape other && Arrays.equals(dims, other.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
