package org.vgg4j.backend.pytorch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.param.Initializer;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.testing.ReferenceForward;
import org.vgg4j.core.testing.TestData;

/** With identical parameters the backend's logits equal the plain-Java float64 reference forward pass. */
class ForwardParityTest {

    /** Max abs difference of the logits, asserted also relative to the largest logit (torchvision's init is tiny). */
    private static double maxAbsDiff(Network net, Initializer init, int batch, long seed) {
        Parameters params = Parameters.initialize(net, init, seed);
        Tensor images = TestData.images(net.sampleShape().prepend(batch), seed + 1);
        try (Session s = PyTorchTesting.backend().open(net, params, Device.cpu())) {
            Tensor logits = s.predict(images);
            assertThat(logits.shape()).isEqualTo(Shape.of(batch, 10));
            Tensor expected = ReferenceForward.logitsTensor(net, params, images);
            assertThat(expected.maxAbs()).as("reference logits are not all zero").isGreaterThan(0);
            // Predict is inference mode: dropout off, so a second call gives the very same logits.
            assertThat(s.predict(images).maxAbsDiff(logits)).isZero();
            // The loaded weights come back unchanged.
            assertThat(s.parameters().maxAbsDiff(params)).isZero();
            double diff = logits.maxAbsDiff(expected);
            System.out.printf("logits max abs diff vs float64 reference, %s, %s init: %.3g (%.3g of max |logit| %.3g)%n",
                    net.name(), init, diff, diff / expected.maxAbs(), expected.maxAbs());
            assertThat(diff / expected.maxAbs()).isLessThanOrEqualTo(1e-4);
            return diff;
        }
    }

    @Test
    void tinyVggLogitsMatchReference() {
        Network net = TestData.tinyVgg(0.5);
        for (Initializer init : Initializer.values()) {
            double diff = maxAbsDiff(net, init, 4, 11);
            assertThat(diff).isLessThanOrEqualTo(1e-4);
        }
    }

    @Test
    void narrowVgg11At32LogitsMatchReference() {
        Network net = PyTorchTesting.narrowVgg11(32, 0.5);
        for (Initializer init : Initializer.values()) {
            double diff = maxAbsDiff(net, init, 2, 5);
            assertThat(diff).isLessThanOrEqualTo(1e-4);
        }
    }
}
