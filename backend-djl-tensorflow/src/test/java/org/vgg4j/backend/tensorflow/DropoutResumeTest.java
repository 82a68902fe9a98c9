package org.vgg4j.backend.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.optim.OptimizerState;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Initializer;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.GradientResult;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.spi.StepResult;
import org.vgg4j.core.spi.Trainer;
import org.vgg4j.core.testing.TestData;

/**
 * Dropout masks are a pure function of the spec's seed and the optimizer's step count: {@code gradients} sees the masks
 * of the {@code step} that follows it, and a trainer restored from a checkpoint continues with the same masks, hence
 * the same losses, as the uninterrupted run.
 */
class DropoutResumeTest {
    private final Network network = TestData.tinyVgg(0.5);
    private final Parameters params = Parameters.initialize(network, Initializer.PYTORCH_DEFAULT, 31);
    private final Tensor[] batches = {
        TestData.images(Shape.of(8, 1, 8, 8), 32), TestData.images(Shape.of(8, 1, 8, 8), 33)};
    private final int[] labels = TestData.labels(8, network.numClasses(), 34);

    @Test
    void gradientsSeeTheMasksOfTheNextStep() {
        try (Session s = TfTesting.backend().open(network, params, Device.cpu())) {
            Trainer t = s.trainer(TrainingSpec.adam(1e-2, 5));
            for (int i = 0; i < 3; i++) {
                GradientResult g = t.gradients(batches[i % 2], labels);
                GradientResult again = t.gradients(batches[i % 2], labels);
                StepResult r = t.step(batches[i % 2], labels);
                System.out.printf("step %d: gradients() loss %.9f, step() loss %.9f%n", i, g.loss(), r.loss());
                assertThat(again.loss()).isEqualTo(g.loss());
                assertThat(r.loss()).isCloseTo(g.loss(), org.assertj.core.data.Offset.offset(1e-6));
            }
        }
    }

    @Test
    void masksChangeFromStepToStepAndWithTheSeed() {
        try (Session s = TfTesting.backend().open(network, params, Device.cpu())) {
            Trainer t = s.trainer(TrainingSpec.adam(1e-2, 5));
            double atStep0 = t.gradients(batches[0], labels).loss();
            // Only the step count differs (no slots: Adam creates them at its first update).
            t.restoreOptimizerState(new OptimizerState(1, Map.of()));
            double atStep1 = t.gradients(batches[0], labels).loss();
            double otherSeed = s.trainer(TrainingSpec.adam(1e-2, 6)).gradients(batches[0], labels).loss();
            assertThat(atStep1).isNotEqualTo(atStep0);
            assertThat(otherSeed).isNotEqualTo(atStep0);
        }
    }

    @Test
    void aRestoredTrainerContinuesWithIdenticalLosses() {
        int total = 8;
        int cut = 3;
        double[] uninterrupted = new double[total];
        Parameters midParams = null;
        OptimizerState midState = null;
        Parameters endParams;
        try (Session s = TfTesting.backend().open(network, params, Device.cpu())) {
            Trainer t = s.trainer(TrainingSpec.adam(1e-2, 7));
            for (int i = 0; i < total; i++) {
                if (i == cut) {
                    midParams = s.parameters();
                    midState = t.optimizerState();
                }
                uninterrupted[i] = t.step(batches[i % 2], labels).loss();
            }
            endParams = s.parameters();
        }
        double worst = 0;
        try (Session s = TfTesting.backend().open(network, midParams, Device.cpu())) {
            Trainer t = s.trainer(TrainingSpec.adam(1e-2, 7));
            t.restoreOptimizerState(midState);
            for (int i = cut; i < total; i++) {
                double loss = t.step(batches[i % 2], labels).loss();
                worst = Math.max(worst, Math.abs(loss - uninterrupted[i]));
            }
            double paramDiff = s.parameters().maxAbsDiff(endParams);
            System.out.printf("resumed at step %d of %d with dropout 0.5: max loss diff %.3e, parameter diff %.3e%n",
                    cut, total, worst, paramDiff);
            assertThat(paramDiff).isLessThanOrEqualTo(1e-6);
        }
        assertThat(worst).isLessThanOrEqualTo(1e-9);
    }
}
