package org.vgg4j.backend.pytorch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.optim.Adam;
import org.vgg4j.core.optim.OptimizerSpec;
import org.vgg4j.core.optim.OptimizerState;
import org.vgg4j.core.optim.Sgd;
import org.vgg4j.core.optim.SoftmaxCrossEntropy;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Initializer;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.spi.Trainer;
import org.vgg4j.core.testing.TestData;

/**
 * Weights and optimizer state taken after k steps, restored into a fresh session and trainer, continue exactly like
 * the uninterrupted run (bit-identical losses and weights), dropout included.
 */
class OptimizerStateRoundTripTest {
    private static final int K = 3;
    private static final int MORE = 4;

    @ParameterizedTest
    @ValueSource(strings = {"adam", "sgd-momentum"})
    void restoredStateContinuesIdentically(String optimizer) {
        OptimizerSpec opt = optimizer.equals("adam") ? Adam.withLearningRate(1e-2) : new Sgd(0.05, 0.9, 1e-3);
        TrainingSpec spec = new TrainingSpec(opt, new SoftmaxCrossEntropy(), 5);
        Network net = TestData.tinyVgg(0.3);
        Tensor[] batches = new Tensor[K + MORE];
        int[][] labels = new int[K + MORE][];
        for (int i = 0; i < batches.length; i++) {
            batches[i] = TestData.images(net.sampleShape().prepend(8), 50 + i);
            labels[i] = TestData.labels(8, 10, 70 + i);
        }
        Parameters p0 = Parameters.initialize(net, Initializer.PYTORCH_DEFAULT, 6);
        double[] expected = new double[MORE];
        Parameters checkpoint;
        OptimizerState state;
        Parameters finalWeights;
        try (Session s = PyTorchTesting.backend().open(net, p0, Device.cpu())) {
            Trainer t = s.trainer(spec);
            for (int i = 0; i < K; i++) {
                t.step(batches[i], labels[i]);
            }
            checkpoint = s.parameters();
            state = t.optimizerState();
            for (int i = 0; i < MORE; i++) {
                expected[i] = t.step(batches[K + i], labels[K + i]).loss();
            }
            finalWeights = s.parameters();
        }
        assertThat(state.step()).isEqualTo(K);
        assertThat(state.slots()).containsOnlyKeys(opt instanceof Adam
                ? new String[] {Adam.EXP_AVG, Adam.EXP_AVG_SQ} : new String[] {Sgd.MOMENTUM_BUFFER});
        try (Session s = PyTorchTesting.backend().open(net, checkpoint, Device.cpu())) {
            Trainer t = s.trainer(spec);
            t.restoreOptimizerState(state);
            assertThat(t.optimizerState().step()).isEqualTo(K);
            double[] resumed = new double[MORE];
            for (int i = 0; i < MORE; i++) {
                resumed[i] = t.step(batches[K + i], labels[K + i]).loss();
            }
            System.out.printf("state round trip (%s, after %d steps): uninterrupted %s, resumed %s%n", optimizer, K,
                    java.util.Arrays.toString(expected), java.util.Arrays.toString(resumed));
            assertThat(resumed).containsExactly(expected);
            assertThat(s.parameters().maxAbsDiff(finalWeights)).isZero();
        }
        // Without the state the continuation differs: the test can tell.
        try (Session s = PyTorchTesting.backend().open(net, checkpoint, Device.cpu())) {
            Trainer t = s.trainer(spec);
            t.step(batches[K], labels[K]);
            assertThat(t.step(batches[K + 1], labels[K + 1]).loss()).isNotEqualTo(expected[1]);
        }
    }
}
