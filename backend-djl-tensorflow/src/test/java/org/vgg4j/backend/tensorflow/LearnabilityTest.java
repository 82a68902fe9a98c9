package org.vgg4j.backend.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Initializer;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.spi.StepResult;
import org.vgg4j.core.spi.Trainer;
import org.vgg4j.core.testing.TestData;

/** The backend can fit: narrow VGG-11 at 32x32 memorises a fixed batch with Adam. */
class LearnabilityTest {

    @Test
    void adamFitsAFixedBatch() {
        Network network = TfTesting.narrowVgg11(32, 0);
        Parameters params = Parameters.initialize(network, Initializer.PYTORCH_DEFAULT, 0);
        Tensor images = TestData.images(network.sampleShape().prepend(64), 1);
        int[] labels = TestData.labels(64, 10, 2);
        try (Session s = TfTesting.backend().open(network, params, Device.cpu())) {
            Trainer t = s.trainer(TrainingSpec.adam(1e-3, 0));
            long start = System.nanoTime();
            StepResult first = t.step(images, labels);
            StepResult last = first;
            for (int i = 1; i < 200; i++) {
                last = t.step(images, labels);
            }
            double ms = (System.nanoTime() - start) / 1e6 / 200;
            System.out.printf("narrow VGG-11 32x32 batch 64: loss %.4f -> %.4f after 200 Adam steps, accuracy %.2f, "
                    + "%.1f ms/step%n", first.loss(), last.loss(), last.accuracy(), ms);
            assertThat(first.loss()).isBetween(2.0, 2.6);
            assertThat(last.loss()).isLessThanOrEqualTo(first.loss() / 5);
            assertThat(t.optimizerState().step()).isEqualTo(200);
        }
    }
}
