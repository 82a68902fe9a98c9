package org.vgg4j.backend.tensorflow;

import org.vgg4j.core.Network;
import org.vgg4j.models.vgg.Vgg;
import org.vgg4j.models.vgg.VggConfig;
import org.vgg4j.models.vgg.VggVariant;

/** Shared fixtures: the backend (loaded once per test JVM) and the narrow VGG-11. */
final class TfTesting {
    private static TensorflowBackend backend;

    private TfTesting() {
    }

    static synchronized TensorflowBackend backend() {
        if (backend == null) {
            backend = TensorflowBackend.load();
        }
        return backend;
    }

    /** The d2l narrow VGG-11 (ratio 8) at {@code size}x{@code size} with dropout {@code p}. */
    static Network narrowVgg11(int size, double p) {
        return Vgg.build(VggConfig.d2l(VggVariant.VGG11).withRatio(8).withImageSize(size).withDropout(p));
    }
}
