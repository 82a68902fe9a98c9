package org.vgg4j.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.param.Initializer;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.testing.ReferenceForward;
import org.vgg4j.core.testing.TestData;

/**
 * {@link OnnxRuntimeOptions#spinning()}: read from {@value OnnxRuntimeOptions#SPINNING_PROPERTY} (default on), and a
 * session whose worker threads do not spin computes the reference logits.
 */
class OnnxSpinningOptionTest {

    @Test
    void spinningIsOnByDefaultAndThePropertyTurnsItOff() {
        assertThat(new OnnxRuntimeOptions(2, 0).spinning()).isTrue();
        withProperty(null, () -> assertThat(OnnxRuntimeOptions.defaults().spinning()).isTrue());
        withProperty("false", () -> assertThat(OnnxRuntimeOptions.defaults().spinning()).isFalse());
        withProperty(" true ", () -> assertThat(OnnxRuntimeOptions.defaults().spinning()).isTrue());
    }

    @ParameterizedTest
    @ValueSource(strings = {"no", "0", "FALSE!"})
    void aBadSpinningPropertyIsAnErrorNamingIt(String value) {
        withProperty(value, () -> assertThatThrownBy(OnnxRuntimeOptions::defaults)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(OnnxRuntimeOptions.SPINNING_PROPERTY).hasMessageContaining(value));
    }

    @Test
    void aSessionThatDoesNotSpinComputesTheReferenceLogits() {
        Network tiny = TestData.tinyVgg(0.5);
        Parameters params = Parameters.initialize(tiny, Initializer.PYTORCH_DEFAULT, 5);
        Tensor images = TestData.images(tiny.sampleShape().prepend(3), 6);
        Tensor expected = ReferenceForward.logitsTensor(tiny, params, images);
        try (OnnxSession s = new OnnxBackend(new OnnxRuntimeOptions(2, 0, false)).open(tiny, params, Device.cpu())) {
            assertThat(s.predict(images).maxAbsDiff(expected)).isLessThanOrEqualTo(1e-5);
        }
    }

    private static void withProperty(String value, Runnable check) {
        String before = System.getProperty(OnnxRuntimeOptions.SPINNING_PROPERTY);
        if (value == null) {
            System.clearProperty(OnnxRuntimeOptions.SPINNING_PROPERTY);
        } else {
            System.setProperty(OnnxRuntimeOptions.SPINNING_PROPERTY, value);
        }
        try {
            check.run();
        } finally {
            if (before == null) {
                System.clearProperty(OnnxRuntimeOptions.SPINNING_PROPERTY);
            } else {
                System.setProperty(OnnxRuntimeOptions.SPINNING_PROPERTY, before);
            }
        }
    }
}
