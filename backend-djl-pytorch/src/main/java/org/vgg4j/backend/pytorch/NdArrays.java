package org.vgg4j.backend.pytorch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;

/**
 * Copies between core host {@link Tensor}s and DJL {@link NDArray}s (float32, same row-major layout), the only place
 * where data crosses the backend boundary.
 */
final class NdArrays {
    private NdArrays() {
    }

    /** A new float32 array on {@code manager}'s device holding a copy of {@code tensor}, attached to {@code manager}. */
    static NDArray toNd(NDManager manager, Tensor tensor) {
        return manager.create(tensor.buffer(), djlShape(tensor.shape()), DataType.FLOAT32);
    }

    /** A host copy of {@code array}, which must hold {@code shape.elementCount()} float32 values. */
    static Tensor toTensor(NDArray array, Shape shape) {
        float[] values = array.toFloatArray();
        return Tensor.wrap(shape, values);
    }

    static ai.djl.ndarray.types.Shape djlShape(Shape shape) {
        return new ai.djl.ndarray.types.Shape(shape.toLongArray());
    }
}
