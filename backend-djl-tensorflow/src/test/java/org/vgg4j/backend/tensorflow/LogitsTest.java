package org.vgg4j.backend.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.param.Initializer;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.testing.ReferenceForward;
import org.vgg4j.core.testing.TestData;

/** Inference logits against the plain-Java float64 reference, with the same NCHW parameters. */
class LogitsTest {

    @Test
    void tinyVggLogitsMatchReference() {
        assertThat(maxAbsDiff(TestData.tinyVgg(0.5), Initializer.PYTORCH_DEFAULT, 5)).isLessThanOrEqualTo(1e-4);
    }

    @Test
    void narrowVgg11At32LogitsMatchReference() {
        assertThat(maxAbsDiff(TfTesting.narrowVgg11(32, 0.5), Initializer.PYTORCH_DEFAULT, 4))
                .isLessThanOrEqualTo(1e-4);
        assertThat(maxAbsDiff(TfTesting.narrowVgg11(32, 0.5), Initializer.TORCHVISION_VGG, 4))
                .isLessThanOrEqualTo(1e-4);
    }

    @Test
    void multiChannelStridedPaddedNetworkLogitsMatchReference() {
        assertThat(maxAbsDiff(TfTesting.oddNetwork(0.5), Initializer.PYTORCH_DEFAULT, 3)).isLessThanOrEqualTo(1e-4);
    }

    private static double maxAbsDiff(Network network, Initializer init, int batch) {
        Parameters params = Parameters.initialize(network, init, 11);
        Tensor images = TestData.images(network.sampleShape().prepend(batch), 12);
        Tensor expected = ReferenceForward.logitsTensor(network, params, images);
        try (Session s = TfTesting.backend().open(network, params, Device.cpu())) {
            Tensor actual = s.predict(images);
            assertThat(actual.shape()).isEqualTo(expected.shape());
            double diff = actual.maxAbsDiff(expected);
            System.out.printf("%s (%s init): logits max abs diff to reference %.3e (largest logit %.3f)%n",
                    network.name(), init.id(), diff, expected.maxAbs());
            // torchvision's init gives logits near 1e-4, so the error is also bounded relative to the largest one.
            assertThat(expected.maxAbs()).isGreaterThan(0);
            assertThat(diff / expected.maxAbs()).isLessThanOrEqualTo(1e-4);
            return diff;
        }
    }
}
