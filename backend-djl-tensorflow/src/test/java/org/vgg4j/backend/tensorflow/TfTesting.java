package org.vgg4j.backend.tensorflow;

import java.util.List;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.layer.Conv2d;
import org.vgg4j.core.layer.Dropout;
import org.vgg4j.core.layer.Flatten;
import org.vgg4j.core.layer.Linear;
import org.vgg4j.core.layer.MaxPool2d;
import org.vgg4j.core.layer.Relu;
import org.vgg4j.core.layer.Sequential;
import org.vgg4j.models.vgg.Vgg;
import org.vgg4j.models.vgg.VggConfig;
import org.vgg4j.models.vgg.VggVariant;

/** Shared fixtures: the backend (loaded once per test JVM) and the networks the tests use. */
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

    /**
     * A small network that exercises what VGG does not: three input channels, a strided unpadded convolution, a
     * convolution with padding larger than "same", an overlapping pool, a convolution without a following ReLU, and
     * dropout between flatten and the linear layer.
     */
    static Network oddNetwork(double dropout) {
        Sequential features = Sequential.of(new Conv2d(3, 4, 3, 2, 0), new Relu(), new Conv2d(4, 5, 3, 1, 2),
                new MaxPool2d(3, 2), new Conv2d(5, 6, 2, 1, 1), new Relu());
        Sequential head = Sequential.of(new Flatten(), new Dropout(dropout), new Linear(6 * 4 * 4, 12), new Relu(),
                new Linear(12, 7));
        return new Network("odd", new Sequential(List.of(new Sequential.Child("features", features),
                new Sequential.Child("fc", head))), Shape.of(3, 13, 11));
    }
}
