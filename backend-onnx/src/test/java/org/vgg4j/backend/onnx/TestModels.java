package org.vgg4j.backend.onnx;

import org.vgg4j.core.Network;
import org.vgg4j.models.vgg.Vgg;
import org.vgg4j.models.vgg.VggConfig;
import org.vgg4j.models.vgg.VggVariant;

/**
 * The network this module's tests serve (weights: {@link org.vgg4j.core.testing.TestData#heUniform}).
 */
final class TestModels {
    private TestModels() {
    }

    /** A narrow VGG-11 on 1x32x32 with dropout 0.5 (which the export must leave out). */
    static Network smallVgg() {
        return Vgg.build(VggConfig.d2l(VggVariant.VGG11).withRatio(8).withImageSize(32));
    }
}
