package org.vgg4j.backend.pytorch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Copies host floats into new libtorch-owned arrays through one reusable direct buffer, so that a step allocates no
 * direct memory; one per session, not thread-safe (as the session).
 *
 * <p>DJL's {@code NDManager.create(Buffer, ...)} copies a heap buffer into a fresh {@code ByteBuffer.allocateDirect}
 * and wraps it as the tensor's storage; that native memory is freed only when the garbage collector finds the
 * buffer object, which at a few young collections per minute let 160-400 MiB of dead inputs pile up in a 32x32 run
 * (measured with the soak benchmark, see benchmarks/README.md). Here the array is allocated by libtorch and filled
 * with a copy of the staging buffer, so its memory goes back when the step's scope closes.
 */
final class HostStaging {
    private ByteBuffer buffer = ByteBuffer.allocateDirect(0);

    /** A new float32 array of {@code shape} on {@code scope} holding {@code values} (read from their position). */
    NDArray copy(NDManager scope, FloatBuffer values, ai.djl.ndarray.types.Shape shape) {
        int count = values.remaining();
        if (count != shape.size()) {
            throw new IllegalArgumentException("shape " + shape + " needs " + shape.size() + " values, got " + count);
        }
        int bytes = Math.multiplyExact(count, Float.BYTES);
        if (buffer.capacity() < bytes) {
            buffer = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
        }
        buffer.clear().limit(bytes);
        ByteBuffer view = buffer.slice().order(ByteOrder.nativeOrder());
        view.asFloatBuffer().put(values.duplicate());
        // A direct buffer becomes the storage of the array DJL creates (no copy); duplicate() copies it into memory
        // libtorch owns. (NDArray.set(direct buffer) would not copy either: it points the tensor at the buffer, so
        // the next staged input would overwrite what autograd saved for the backward pass.)
        try (NDArray wrapped = scope.create(view, shape, DataType.FLOAT32)) {
            return wrapped.duplicate();
        }
    }

    /** Bytes of direct memory held (for tests). */
    int capacity() {
        return buffer.capacity();
    }
}
