package org.vgg4j.backend.pytorch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.vgg4j.core.DType;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;

/**
 * Copies between core host {@link Tensor}s and DJL {@link NDArray}s (float32 or int64, same row-major layout), the
 * only place where data crosses the backend boundary.
 */
final class NdArrays {
    private NdArrays() {
    }

    /** A new array of the tensor's type on {@code manager}'s device holding a copy of it, attached to {@code manager}. */
    static NDArray toNd(NDManager manager, Tensor tensor) {
        if (tensor.dtype() == DType.I64) {
            return manager.create(tensor.longBuffer(), djlShape(tensor.shape()), DataType.INT64);
        }
        return manager.create(tensor.buffer(), djlShape(tensor.shape()), DataType.FLOAT32);
    }

    /** A host copy of {@code array}, which must hold {@code shape.elementCount()} float32 values. */
    static Tensor toTensor(NDArray array, Shape shape) {
        float[] values = array.toFloatArray();
        return Tensor.wrap(shape, values);
    }

    /** A host copy of {@code array} as a tensor of {@code dtype} (an int64 array for {@link DType#I64}). */
    static Tensor toTensor(NDArray array, Shape shape, DType dtype) {
        return dtype == DType.I64 ? Tensor.wrapLongs(shape, array.toLongArray()) : toTensor(array, shape);
    }

    static ai.djl.ndarray.types.Shape djlShape(Shape shape) {
        return new ai.djl.ndarray.types.Shape(shape.toLongArray());
    }
}
