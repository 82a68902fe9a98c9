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

    /**
     * Creates a shape from its dimensions, outermost first.
     *
     * @param dims the dimensions, each >= 0; copied (none for a scalar)
     * @return the shape
     * @throws IllegalArgumentException if a dimension is negative
     */
    public static Shape of(int... dims) {
        return new Shape(dims.clone());
    }

    /**
     * Number of dimensions.
     *
     * @return the rank, 0 for a scalar
     */
    public int rank() {
        return dims.length;
    }

    /**
     * The size of dimension {@code axis}; negative axes count from the end.
     *
     * @param axis in [-rank, rank); -1 is the last dimension
     * @return the dimension's size, >= 0
     * @throws ArrayIndexOutOfBoundsException if {@code axis} is outside that range
     */
    public int dim(int axis) {
        return dims[axis < 0 ? dims.length + axis : axis];
    }

    /**
     * A copy of the dimensions.
     *
     * @return a new array, outermost first, which the caller may change
     */
    public int[] dims() {
        return dims.clone();
    }

    /**
     * The dimensions as longs, the form most engines take.
     *
     * @return a new array, outermost first
     */
    public long[] toLongArray() {
        long[] out = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            out[i] = dims[i];
        }
        return out;
    }

    /**
     * Number of elements: the product of the dimensions (1 for a scalar).
     *
     * @return the product, as a long (it may exceed {@code int} range)
     */
    public long elementCount() {
        long n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    /**
     * This shape with dimension 0 replaced by {@code batch}.
     *
     * @param batch the new first dimension, >= 0
     * @return a new shape of the same rank
     * @throws IllegalArgumentException if {@code batch} is negative
     * @throws ArrayIndexOutOfBoundsException if this shape is a scalar
     */
    public Shape withBatch(int batch) {
        int[] copy = dims.clone();
        copy[0] = batch;
        return new Shape(copy);
    }

    /**
     * This shape with {@code batch} prepended.
     *
     * @param batch the new first dimension, >= 0
     * @return a new shape one rank higher
     * @throws IllegalArgumentException if {@code batch} is negative
     */
    public Shape prepend(int batch) {
        int[] copy = new int[dims.length + 1];
        copy[0] = batch;
        System.arraycopy(dims, 0, copy, 1, dims.length);
        return new Shape(copy);
    }

    /**
     * This shape without its first dimension.
     *
     * @return a new shape one rank lower (a sample's shape, from a batch's)
     * @throws IllegalArgumentException if this shape is a scalar
     */
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
