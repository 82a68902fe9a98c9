package org.vgg4j.backend.onnx;

import org.vgg4j.core.spi.Availability;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.core.spi.BackendProvider;
import org.vgg4j.core.Device;
import org.vgg4j.core.spi.Task;
import org.vgg4j.core.spi.BackendUnavailableException;

/**
 * Registers the {@code onnx} backend (priority {@value #PRIORITY}, below the training backends so that automatic
 * selection prefers one that can train); available when the ONNX Runtime native library loads.
 */
public final class OnnxBackendProvider implements BackendProvider {
    /** The backend's name. */
    public static final String NAME = "onnx";
    /** Its rank for automatic selection. */
    public static final int PRIORITY = 10;

    private volatile Availability availability;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    /**
     * Ranks for {@code --backend auto}: never for training (ONNX Runtime's Java API cannot train); on a CPU first for
     * inference (2.6 ms per 32x32 batch of 128 against 7.8 on tensorflow and 14.5 on pytorch, 58.5 ms per 224x224
     * batch of 64 against pytorch's 380, {@code vgg4j bench}); on a GPU last (onnxruntime_gpu is not measured here).
     */
    @Override
    public int rank(Task task, Device.Kind device) {
        if (task == Task.TRAINING) {
            return -1;
        }
        return device == Device.Kind.GPU ? 10 : 100;
    }

    @Override
    public Availability availability() {
        Availability a = availability;
        if (a == null) {
            a = probe();
            availability = a;
        }
        return a;
    }

    @Override
    public Backend create() {
        Availability a = availability();
        if (!a.available()) {
            throw new BackendUnavailableException("backend 'onnx' cannot run here: " + a.detail());
        }
        return new OnnxBackend();
    }

    private static Availability probe() {
        try {
            return Availability.yes("ONNX Runtime " + OrtRuntime.environment().getVersion() + " ("
                    + OrtRuntime.buildKind() + "), inference only");
        } catch (RuntimeException | LinkageError e) {
            return Availability.no("the ONNX Runtime native library did not load (" + e
                    + "); this platform may lack a build in com.microsoft.onnxruntime:onnxruntime");
        }
    }
}
