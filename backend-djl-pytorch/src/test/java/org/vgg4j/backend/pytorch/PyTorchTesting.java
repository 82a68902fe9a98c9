package org.vgg4j.backend.pytorch;

import org.vgg4j.core.Network;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.models.vgg.Vgg;
import org.vgg4j.models.vgg.VggConfig;
import org.vgg4j.models.vgg.VggVariant;

/** Shared fixtures of this module's tests: the backend (loaded once) and the narrow VGG-11. */
final class PyTorchTesting {
    private static Backend backend;

    private PyTorchTesting() {
    }

    static synchronized Backend backend() {
        if (backend == null) {
            backend = new PyTorchBackendProvider().create();
        }
        return backend;
    }

    /** The d2l chapter's VGG-11 narrowed by 8 (conv 8..64 channels, FC 512) on {@code size}x{@code size} inputs. */
    static Network narrowVgg11(int size, double dropout) {
        return Vgg.build(VggConfig.d2l(VggVariant.VGG11).withRatio(8).withImageSize(size).withDropout(dropout));
    }
}
