package org.vgg4j.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.vgg4j.core.Device;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.param.NonFiniteValueException;
import org.vgg4j.onnx.OnnxFormatException;

/**
 * Fuzz target: {@link OnnxModelFile#parse} on any bytes either gives a model that ONNX Runtime opens and runs on one
 * sample (finite logits of the announced shape), or throws an {@link OnnxFormatException} or
 * {@link NonFiniteValueException} whose one-line message names the source; anything else, including a native crash
 * of ONNX Runtime, is a finding. Regression corpus: {@code src/test/resources/org/vgg4j/backend/onnx/OnnxImportFuzzTestInputs/}.
 */
class OnnxImportFuzzTest {
    private static final String SOURCE = "fuzz.onnx";

    @FuzzTest(maxDuration = "30s")
    void parseEitherGivesARunnableModelOrThrowsTheDocumentedException(byte[] data) {
        OnnxModelFile model;
        try {
            model = OnnxModelFile.parse(data, SOURCE);
        } catch (OnnxFormatException | NonFiniteValueException e) {
            assertThat(e.getMessage()).contains(SOURCE).doesNotContain("\n");
            return;
        }
        if (model.network().sampleShape().elementCount() > 1 << 20) {
            return; // valid, but too large to run thousands of times a second
        }
        try (OnnxSession session = new OnnxBackend().open(model, Device.cpu())) {
            Tensor logits = session.predict(Tensor.zeros(model.network().sampleShape().prepend(1)));
            assertThat(logits.shape().dim(1)).isEqualTo(model.info().classes());
        } catch (OnnxFormatException e) {
            assertThat(e.getMessage()).contains(SOURCE).doesNotContain("\n");
        }
    }
}
