package org.vgg4j.serve;

import java.util.List;
import org.vgg4j.backend.onnx.OnnxBackend;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.param.Initializer;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.datasets.FashionMnist;
import org.vgg4j.models.vgg.Vgg;
import org.vgg4j.models.vgg.VggConfig;
import org.vgg4j.models.vgg.VggVariant;

/**
 * Seeded models for the server tests: the narrow VGG-11 at 32x32 with PyTorch's default initialisation (unit-scale
 * weights, so the logits differ clearly between images), opened on ONNX Runtime.
 */
final class TestModels {
    static final int SIZE = 32;

    private TestModels() {
    }

    static Network network() {
        return Vgg.build(VggConfig.d2l(VggVariant.VGG11).withRatio(8).withImageSize(SIZE));
    }

    static Parameters parameters(long seed) {
        return Parameters.initialize(network(), Initializer.PYTORCH_DEFAULT, seed);
    }

    /** A served model named {@code name} with the weights of {@code seed}. */
    static ServedModel served(String name, long seed) {
        return new ServedModel(name, new OnnxBackend().open(network(), parameters(seed), Device.cpu()),
                FashionMnist.CLASS_NAMES, "onnx", "seed " + seed);
    }

    /** The same weights in a session of the caller's, to compute expected logits. */
    static org.vgg4j.core.spi.Session reference(long seed) {
        return new OnnxBackend().open(network(), parameters(seed), Device.cpu());
    }

    static List<String> classes() {
        return FashionMnist.CLASS_NAMES;
    }
}
