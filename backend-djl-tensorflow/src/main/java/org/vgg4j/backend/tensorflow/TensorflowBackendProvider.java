package org.vgg4j.backend.tensorflow;

import org.vgg4j.core.spi.Availability;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.core.spi.BackendProvider;
import org.vgg4j.core.Device;
import org.vgg4j.core.spi.Task;
import org.vgg4j.core.spi.BackendUnavailableException;

/**
 * Service entry point of the {@code tensorflow} backend (priority 50); cheap to construct, loads TensorFlow only when
 * asked whether it is available or to create the backend.
 */
public final class TensorflowBackendProvider implements BackendProvider {
    /** Rank for automatic selection. */
    public static final int PRIORITY = 50;

    private volatile TensorflowBackend backend;
    private volatile Throwable failure;

    @Override
    public String name() {
        return TensorflowBackend.NAME;
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    /**
     * Ranks for {@code --backend auto}: on a CPU first for training (291 ms per 224x224 step of 64 against pytorch's
     * 435, 27.3 against 38.5 ms per 32x32 step of 128, {@code vgg4j bench}, load below 1.5) and second for inference
     * (7.8 ms per 32x32 batch of 128, against 2.6 on onnx and 14.5 on pytorch); on a GPU second to pytorch for both
     * (not measured on a GPU here).
     */
    @Override
    public int rank(Task task, Device.Kind device) {
        if (device == Device.Kind.GPU) {
            return 50;
        }
        return task == Task.TRAINING ? 100 : 60;
    }

    @Override
    public Availability availability() {
        try {
            return Availability.yes(backend().engineDescription());
        } catch (RuntimeException | LinkageError e) {
            return Availability.no(reason(e));
        }
    }

    @Override
    public Backend create() {
        try {
            return backend();
        } catch (RuntimeException | LinkageError e) {
            throw new BackendUnavailableException("the tensorflow backend cannot run here: " + reason(e), e);
        }
    }

    private synchronized TensorflowBackend backend() {
        if (backend != null) {
            return backend;
        }
        if (failure != null) {
            throw new IllegalStateException(failure.getMessage(), failure);
        }
        try {
            backend = TensorflowBackend.load();
            return backend;
        } catch (RuntimeException | LinkageError e) {
            failure = e;
            throw e;
        }
    }

    private static String reason(Throwable e) {
        Throwable root = e;
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
            sb.append(" (caused by ").append(root.getClass().getSimpleName()).append(": ").append(root.getMessage())
                    .append(')');
        }
        return sb.toString();
    }
}
