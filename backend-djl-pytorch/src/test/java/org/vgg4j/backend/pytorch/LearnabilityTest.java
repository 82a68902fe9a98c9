package org.vgg4j.backend.pytorch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
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

/**
 * The narrow VGG-11 at 32x32 can fit one fixed batch: 200 Adam steps cut its loss at least five-fold, with either
 * initialisation.
 *
 * <p>The batch has learnable class features ({@link PyTorchTesting#patternImages}), like the real images the Python
 * reference used. On pure noise with random labels, PyTorch's default initialisation sits on the ln(10) plateau for
 * 80-120 steps (the plateau of DESIGN.md) and then memorises with loss spikes, so whether step 200 lands below 1/5
 * depended on float rounding (it passed with 2 libtorch threads and failed with 1).
 */
class LearnabilityTest {
    private static final int STEPS = 200;

    @ParameterizedTest
    @EnumSource(Initializer.class)
    void narrowVgg11FitsOneFixedBatch(Initializer init) {
        Network net = PyTorchTesting.narrowVgg11(32, 0);
        int[] labels = TestData.labels(64, 10, 101);
        Tensor images = PyTorchTesting.patternImages(labels, 100);
        try (Session s = PyTorchTesting.backend().open(net, Parameters.initialize(net, init, 0), Device.cpu())) {
            Trainer trainer = s.trainer(TrainingSpec.adam(1e-3, 0));
            StepResult first = trainer.step(images, labels);
            StepResult last = first;
            long start = System.nanoTime();
            for (int i = 1; i < STEPS; i++) {
                last = trainer.step(images, labels);
            }
            double msPerStep = (System.nanoTime() - start) / 1e6 / (STEPS - 1);
            System.out.printf("learnability, narrow vgg11 32x32 batch 64, %s init: loss %.4f -> %.3g after %d Adam"
                    + " steps (accuracy %.2f -> %.2f), %.1f ms/step%n", init, first.loss(), last.loss(), STEPS,
                    first.accuracy(), last.accuracy(), msPerStep);
            assertThat(first.loss()).isBetween(2.0, 2.6);
            assertThat(last.loss()).isLessThanOrEqualTo(first.loss() / 5);
        }
    }
}
