package org.vgg4j.backend.pytorch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.optim.Adam;
import org.vgg4j.core.optim.OptimizerSpec;
import org.vgg4j.core.optim.Sgd;
import org.vgg4j.core.optim.SoftmaxCrossEntropy;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.ParameterMismatchException;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.spi.Trainer;
import org.vgg4j.core.testing.TestData;

/**
 * {@link Trainer#applyGradients} of a batch's own gradients is exactly {@link Trainer#step} on that batch (weights and
 * optimizer state bit-identical over several steps, dropout included), and gradients that do not fit the network are
 * refused by name with the weights untouched.
 */
class ApplyGradientsTest {

    @ParameterizedTest
    @ValueSource(strings = {"adam", "sgd-momentum"})
    void applyingABatchsGradientsIsTheStepOnThatBatch(String optimizer) {
        OptimizerSpec opt = optimizer.equals("adam") ? Adam.withLearningRate(1e-2) : new Sgd(0.05, 0.9, 1e-3);
        TrainingSpec spec = new TrainingSpec(opt, new SoftmaxCrossEntropy(), 5);
        Network net = TestData.tinyVgg(0.3);
        Parameters start = TestData.unitScale(net, 4);
        try (Session a = PyTorchTesting.backend().open(net, start, Device.cpu());
             Session b = PyTorchTesting.backend().open(net, start, Device.cpu());
             Trainer stepping = a.trainer(spec);
             Trainer applying = b.trainer(spec)) {
            for (int i = 0; i < 3; i++) {
                Tensor x = TestData.images(net.sampleShape().prepend(8), 50 + i);
                int[] y = TestData.labels(8, 10, 70 + i);
                stepping.step(x, y);
                applying.applyGradients(applying.gradients(x, y).gradients());
            }
            assertThat(b.parameters().maxAbsDiff(a.parameters())).isZero();
            assertThat(applying.optimizerState().step()).isEqualTo(3);
            for (String slot : stepping.optimizerState().slots().keySet()) {
                assertThat(applying.optimizerState().slots().get(slot)
                        .maxAbsDiff(stepping.optimizerState().slots().get(slot))).as(slot).isZero();
            }
        }
    }

    @org.junit.jupiter.api.Test
    void gradientsThatDoNotFitAreRefusedByNameAndChangeNothing() {
        Network net = TestData.tinyVgg(0);
        Parameters start = TestData.unitScale(net, 4);
        try (Session s = PyTorchTesting.backend().open(net, start, Device.cpu());
             Trainer t = s.trainer(TrainingSpec.adam(1e-2, 1))) {
            Map<String, Tensor> grads = new LinkedHashMap<>(t.gradients(TestData.images(net.sampleShape().prepend(4), 1),
                    TestData.labels(4, 10, 2)).gradients().asMap());
            String first = grads.keySet().iterator().next();
            grads.remove(first);
            assertThatThrownBy(() -> t.applyGradients(Parameters.of(grads)))
                    .isInstanceOf(ParameterMismatchException.class).hasMessageContaining("missing tensor '" + first + "'");
            assertThat(s.parameters().maxAbsDiff(start)).isZero();
            assertThat(t.optimizerState().step()).isZero();
        }
    }
}
