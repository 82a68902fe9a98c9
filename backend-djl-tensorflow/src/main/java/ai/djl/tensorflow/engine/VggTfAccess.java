package ai.djl.tensorflow.engine;

import ai.djl.ndarray.NDArray;
import org.tensorflow.internal.c_api.TFE_TensorHandle;

/**
 * The one place where vgg4j reaches into DJL's TensorFlow engine past its public API: wraps a raw eager tensor handle
 * (the output of an op vgg4j dispatched itself) into a {@link TfNDArray} owned by {@code manager}.
 *
 * <p>Why it exists: DJL 0.36.0 declares {@code TfNDManager#opExecutor} public but returns the package-private
 * {@code TfOpExecutor}, and {@code TfNDArray}'s constructor from a handle is package-private too. vgg4j dispatches
 * TensorFlow kernels itself (it needs string-list attributes such as {@code fused_ops} that {@code TfOpExecutor}
 * cannot set), so all it needs from this package is this constructor. The array takes ownership of the handle: closing
 * the array (or its manager) deletes the handle.
 */
public final class VggTfAccess {
    private VggTfAccess() {
    }

    /**
     * A DJL array owning {@code handle}, attached to {@code manager}.
     *
     * @param manager the manager that closes the array
     * @param handle  the eager tensor handle the array takes over
     * @return the array
     */
    public static NDArray wrap(TfNDManager manager, TFE_TensorHandle handle) {
        return new TfNDArray(manager, handle);
    }
}
