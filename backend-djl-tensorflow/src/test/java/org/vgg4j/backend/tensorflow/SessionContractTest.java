package org.vgg4j.backend.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vgg4j.core.Device;
import org.vgg4j.core.DeviceUnavailableException;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.ShapeMismatchException;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.Vgg4jException;
import org.vgg4j.core.optim.Adam;
import org.vgg4j.core.optim.OptimizerState;
import org.vgg4j.core.optim.Sgd;
import org.vgg4j.core.optim.SoftmaxCrossEntropy;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Initializer;
import org.vgg4j.core.param.ParameterMismatchException;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.core.spi.Backends;
import org.vgg4j.core.spi.GradientResult;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.spi.StepResult;
import org.vgg4j.core.spi.Trainer;
import org.vgg4j.core.testing.ReferenceForward;
import org.vgg4j.core.testing.TestData;

/** The SPI contract: discovery, devices, parameters in and out, bad input, optimizer rules and state, memory. */
class SessionContractTest {
    private final Network tiny = TestData.tinyVgg(0);
    private final Parameters params = Parameters.initialize(tiny, Initializer.PYTORCH_DEFAULT, 1);
    private final Tensor images = TestData.images(Shape.of(8, 1, 8, 8), 2);
    private final int[] labels = TestData.labels(8, 10, 3);

    @Test
    void foundThroughServiceLoaderWithItsCapabilities() {
        Backend b = Backends.discover().select("tensorflow");
        assertThat(b.name()).isEqualTo("tensorflow");
        assertThat(b.capabilities().training()).isTrue();
        assertThat(b.capabilities().gpu()).isFalse();
        assertThat(b.capabilities().engine()).contains("TensorFlow 2.16.1");
        assertThat(b.devices()).containsExactly(Device.cpu());
        assertThat(Backends.discover().list()).anySatisfy(s -> {
            assertThat(s.name()).isEqualTo("tensorflow");
            assertThat(s.priority()).isEqualTo(50);
            assertThat(s.availability().available()).isTrue();
        });
    }

    @Test
    void gpuWithoutGpuNativesIsAClearErrorAndAutoFallsBackToCpu() {
        Backend b = TfTesting.backend();
        assertThatThrownBy(() -> b.open(tiny, params, Device.gpu())).isInstanceOf(DeviceUnavailableException.class)
                .hasMessageContaining("gpu:0").hasMessageContaining("CPU natives").hasMessageContaining("-Pcuda");
        try (Session s = b.open(tiny, params, Device.auto())) {
            assertThat(s.device()).isEqualTo(Device.cpu());
        }
    }

    @Test
    void parametersComeBackExactlyInTheSharedLayout() {
        Network odd = TfTesting.oddNetwork(0);
        Parameters p = Parameters.initialize(odd, Initializer.PYTORCH_DEFAULT, 4);
        try (Session s = TfTesting.backend().open(odd, p, Device.cpu())) {
            assertThat(s.parameters().names()).containsExactlyElementsOf(p.names());
            assertThat(s.parameters().maxAbsDiff(p)).isZero();
        }
    }

    @Test
    void badParametersAreRejectedBeforeTheEngine() {
        Parameters wrong = Parameters.initialize(TfTesting.oddNetwork(0), Initializer.PYTORCH_DEFAULT, 1);
        assertThatThrownBy(() -> TfTesting.backend().open(tiny, wrong, Device.cpu()))
                .isInstanceOf(ParameterMismatchException.class).hasMessageContaining("missing tensor");
    }

    @Test
    void badInputThrowsAClearExceptionAndTheSessionStaysUsable() {
        try (Session s = TfTesting.backend().open(tiny, params, Device.cpu())) {
            Tensor before = s.predict(images);
            Trainer t = s.trainer(TrainingSpec.adam(1e-3, 0));
            assertThatThrownBy(() -> s.predict(TestData.images(Shape.of(2, 3, 8, 8), 1)))
                    .isInstanceOf(ShapeMismatchException.class).hasMessageContaining("[2, 3, 8, 8]");
            assertThatThrownBy(() -> s.predict(TestData.images(Shape.of(2, 1, 9, 8), 1)))
                    .isInstanceOf(ShapeMismatchException.class);
            assertThatThrownBy(() -> t.step(images, new int[] {1, 2})).isInstanceOf(Vgg4jException.class)
                    .hasMessageContaining("8 images has 2 labels");
            int[] outOfRange = labels.clone();
            outOfRange[3] = 10;
            assertThatThrownBy(() -> t.step(images, outOfRange)).isInstanceOf(Vgg4jException.class)
                    .hasMessageContaining("label 10 at position 3");
            // Nothing was dispatched: predictions are unchanged and training works.
            assertThat(s.predict(images).maxAbsDiff(before)).isZero();
            StepResult r = t.step(images, labels);
            assertThat(r.loss()).isFinite().isPositive();
            assertThat(t.optimizerState().step()).isEqualTo(1);
            assertThat(s.predict(images).maxAbsDiff(before)).isPositive();
        }
    }

    @Test
    void closedSessionRefusesWork() {
        Session s = TfTesting.backend().open(tiny, params, Device.cpu());
        s.close();
        s.close();
        assertThatThrownBy(() -> s.predict(images)).isInstanceOf(Vgg4jException.class).hasMessageContaining("closed");
    }

    @Test
    void sgdFirstStepIsMinusLearningRateTimesGradient() {
        double lr = 0.05;
        try (Session s = TfTesting.backend().open(tiny, params, Device.cpu())) {
            Trainer t = s.trainer(new TrainingSpec(new Sgd(lr, 0.9, 0), new SoftmaxCrossEntropy(), 0));
            GradientResult g = t.gradients(images, labels);
            StepResult r = t.step(images, labels);
            assertThat(r.loss()).isCloseTo(g.loss(), org.assertj.core.data.Offset.offset(1e-6));
            Parameters after = s.parameters();
            for (String name : params.names()) {
                float[] p0 = params.get(name).toArray();
                float[] p1 = after.get(name).toArray();
                float[] grad = g.gradients().get(name).toArray();
                for (int i = 0; i < p0.length; i++) {
                    assertThat((double) p1[i]).isCloseTo(p0[i] - lr * grad[i], org.assertj.core.data.Offset.offset(1e-6));
                }
            }
            OptimizerState st = t.optimizerState();
            assertThat(st.slots()).containsOnlyKeys(Sgd.MOMENTUM_BUFFER);
            assertThat(st.slots().get(Sgd.MOMENTUM_BUFFER).maxAbsDiff(g.gradients())).isLessThan(1e-6);
        }
    }

    @Test
    void adamFollowsPytorchRuleWithWeightDecay() {
        Adam adam = new Adam(0.01, 0.9, 0.999, 1e-8, 0.1);
        try (Session s = TfTesting.backend().open(tiny, params, Device.cpu())) {
            Trainer t = s.trainer(new TrainingSpec(adam, new SoftmaxCrossEntropy(), 0));
            GradientResult g = t.gradients(images, labels);
            t.step(images, labels);
            Parameters after = s.parameters();
            double worst = 0;
            for (String name : params.names()) {
                float[] p0 = params.get(name).toArray();
                float[] p1 = after.get(name).toArray();
                float[] grad = g.gradients().get(name).toArray();
                for (int i = 0; i < p0.length; i++) {
                    double gi = grad[i] + adam.weightDecay() * p0[i];
                    double m = (1 - adam.beta1()) * gi;
                    double v = (1 - adam.beta2()) * gi * gi;
                    double mHat = m / (1 - adam.beta1());
                    double vHat = v / (1 - adam.beta2());
                    double expected = p0[i] - adam.learningRate() * mHat / (Math.sqrt(vHat) + adam.epsilon());
                    worst = Math.max(worst, Math.abs(p1[i] - expected));
                }
            }
            assertThat(worst).isLessThan(1e-6);
            OptimizerState st = t.optimizerState();
            assertThat(st.step()).isEqualTo(1);
            assertThat(st.slots()).containsOnlyKeys(Adam.EXP_AVG, Adam.EXP_AVG_SQ);
            assertThat(st.slots().get(Adam.EXP_AVG).names()).containsExactlyElementsOf(params.names());
            assertThat(st.slots().get(Adam.EXP_AVG).get("vgg_block_1.2.weight").shape())
                    .isEqualTo(Shape.of(4, 4, 3, 3));
        }
    }

    @Test
    void optimizerStateRoundTripResumesTrainingExactly() {
        Tensor images2 = TestData.images(Shape.of(8, 1, 8, 8), 7);
        Parameters midParams;
        OptimizerState midState;
        Parameters continued;
        try (Session s = TfTesting.backend().open(tiny, params, Device.cpu())) {
            Trainer t = s.trainer(TrainingSpec.adam(1e-2, 0));
            for (int i = 0; i < 3; i++) {
                t.step(images, labels);
            }
            midParams = s.parameters();
            midState = t.optimizerState();
            t.step(images2, labels);
            t.step(images, labels);
            continued = s.parameters();
        }
        assertThat(midState.step()).isEqualTo(3);
        try (Session s = TfTesting.backend().open(tiny, midParams, Device.cpu())) {
            Trainer t = s.trainer(TrainingSpec.adam(1e-2, 0));
            t.restoreOptimizerState(midState);
            assertThat(t.optimizerState().step()).isEqualTo(3);
            assertThat(t.optimizerState().slots().get(Adam.EXP_AVG_SQ)
                    .maxAbsDiff(midState.slots().get(Adam.EXP_AVG_SQ))).isZero();
            t.step(images2, labels);
            t.step(images, labels);
            double diff = s.parameters().maxAbsDiff(continued);
            System.out.printf("resumed vs continued training: max abs parameter diff %.3e%n", diff);
            assertThat(diff).isLessThan(1e-6);
            // A fresh trainer without the state takes a different (bias-corrected first) step.
            try (Session fresh = TfTesting.backend().open(tiny, midParams, Device.cpu())) {
                Trainer f = fresh.trainer(TrainingSpec.adam(1e-2, 0));
                f.step(images2, labels);
                f.step(images, labels);
                assertThat(fresh.parameters().maxAbsDiff(continued)).isGreaterThan(1e-4);
            }
        }
    }

    @Test
    void optimizerStateForAnotherOptimizerIsRejected() {
        try (Session s = TfTesting.backend().open(tiny, params, Device.cpu())) {
            Trainer sgd = s.trainer(new TrainingSpec(new Sgd(0.1, 0.9, 0), new SoftmaxCrossEntropy(), 0));
            sgd.step(images, labels);
            OptimizerState state = sgd.optimizerState();
            Trainer adam = s.trainer(TrainingSpec.adam(1e-3, 0));
            assertThatThrownBy(() -> adam.restoreOptimizerState(state)).isInstanceOf(Vgg4jException.class)
                    .hasMessageContaining("momentum_buffer").hasMessageContaining("exp_avg");
            Map<String, Parameters> wrongShapes = Map.of(Sgd.MOMENTUM_BUFFER,
                    Parameters.initialize(TfTesting.oddNetwork(0), Initializer.PYTORCH_DEFAULT, 0));
            assertThatThrownBy(() -> sgd.restoreOptimizerState(new OptimizerState(1, wrongShapes)))
                    .isInstanceOf(ParameterMismatchException.class);
        }
    }

    @Test
    void dropoutIsActiveInTrainingAndOffInInference() {
        Network dropNet = TestData.tinyVgg(0.5);
        Parameters p = Parameters.initialize(dropNet, Initializer.PYTORCH_DEFAULT, 1);
        try (Session s = TfTesting.backend().open(dropNet, p, Device.cpu())) {
            assertThat(s.predict(images).maxAbsDiff(s.predict(images))).isZero();
            Trainer t = s.trainer(TrainingSpec.adam(1e-3, 9));
            // Masks depend on (seed, step) only: the same step count gives the same masks, the next one others.
            GradientResult a = t.gradients(images, labels);
            t.restoreOptimizerState(new OptimizerState(1, Map.of()));
            GradientResult b = t.gradients(images, labels);
            assertThat(a.loss()).isNotEqualTo(b.loss());
            assertThat(a.gradients().get("fc.1.weight").maxAbsDiff(b.gradients().get("fc.1.weight"))).isPositive();
            double noDropout = ReferenceForward.loss(dropNet, p, images, labels);
            assertThat(a.loss()).isNotCloseTo(noDropout, org.assertj.core.data.Offset.offset(1e-6));
        }
    }

    @Test
    void nativeMemoryStaysFlatOverManySteps() throws IOException {
        Network network = TfTesting.narrowVgg11(32, 0.5);
        Parameters p = Parameters.initialize(network, Initializer.PYTORCH_DEFAULT, 0);
        Tensor x = TestData.images(Shape.of(16, 1, 32, 32), 1);
        int[] y = TestData.labels(16, 10, 2);
        try (Session s = TfTesting.backend().open(network, p, Device.cpu())) {
            Trainer t = s.trainer(TrainingSpec.adam(1e-3, 0));
            for (int i = 0; i < 50; i++) {
                t.step(x, y);
                s.predict(x);
            }
            // RSS after a GC, every 50 steps: the native allocator's caches make single readings noisy
            // (+-100 MB), so the floor of the last three readings is compared with the floor of the first three.
            long[] rss = new long[6];
            for (int r = 0; r < rss.length; r++) {
                for (int i = 0; i < 50; i++) {
                    t.step(x, y);
                    s.predict(x);
                }
                System.gc();
                rss[r] = rssKb();
            }
            long early = Math.min(rss[0], Math.min(rss[1], rss[2]));
            long late = Math.min(rss[3], Math.min(rss[4], rss[5]));
            System.out.printf("RSS every 50 steps (MB): %s; floor %d -> %d MB over 150 steps (%.1f KB/step)%n",
                    java.util.Arrays.toString(java.util.Arrays.stream(rss).map(v -> v / 1024).toArray()),
                    early / 1024, late / 1024, (late - early) / 150.0);
            // Leaking a step's temporaries (~5 MB) would add ~750 MB; even 0.5 MB/step would show.
            assertThat(late - early).isLessThan(64 * 1024);
        }
    }

    private static long rssKb() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc/self/status"));
        for (String line : lines) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
