package org.vgg4j.backend.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vgg4j.core.DType;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.layer.AdaptiveAvgPool2d;
import org.vgg4j.core.layer.AvgPool2d;
import org.vgg4j.core.layer.BatchNorm2d;
import org.vgg4j.core.layer.Conv2d;
import org.vgg4j.core.layer.Flatten;
import org.vgg4j.core.layer.Linear;
import org.vgg4j.core.layer.ParameterSpec;
import org.vgg4j.core.layer.Relu;
import org.vgg4j.core.layer.Sequential;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.GradientResult;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.spi.Trainer;
import org.vgg4j.core.testing.ReferenceBackend;
import org.vgg4j.core.testing.ReferenceForward;
import org.vgg4j.core.testing.TestData;
import org.vgg4j.models.vgg.Vgg;
import org.vgg4j.models.vgg.VggConfig;

/**
 * Batch norm (FusedBatchNormV3 in training and inference mode, its gradient, the running-statistics update), average
 * pooling with and without padding and adaptive average pooling (non-divisible bins, uniform bins, 1x1 -> 7x7) on the
 * tensorflow backend against core's float64 reference (itself checked against torch 1.13 in float64), with weights and
 * running statistics drawn away from their initial values so that mixing up batch and running statistics, biased and
 * unbiased variance, or the momentum's direction fails.
 */
class BatchNormPoolTest {

    /** The reference's torch-checked network: conv, BN, ReLU, avg pool 3/2 pad 1, BN(1e-3, 0.3), adaptive 4x5 -> 3x2. */
    static Network nonUniform() {
        return TestData.batchNormNetwork();
    }

    /** Three channels, BN, avg pool 2/2 without padding (12x12 -> 6x6), adaptive 6x6 -> 3x3 (uniform bins). */
    static Network uniform() {
        Sequential features = Sequential.of(Conv2d.same3x3(3, 4), new BatchNorm2d(4), new Relu(),
                new AvgPool2d(2, 2), new AdaptiveAvgPool2d(3, 3));
        Sequential fc = Sequential.of(new Flatten(), new Linear(36, 5));
        return new Network("bn-uniform", new Sequential(List.of(new Sequential.Child("features", features),
                new Sequential.Child("fc", fc))), Shape.of(3, 12, 12));
    }

    /** BN on 2 channels, then an adaptive pool to the size it already has (5x6 -> 5x6: the identity). */
    static Network identityPool() {
        Sequential features = Sequential.of(Conv2d.same3x3(2, 2), new BatchNorm2d(2, 1e-4, 0.05), new Relu(),
                new AdaptiveAvgPool2d(5, 6));
        Sequential fc = Sequential.of(new Flatten(), new Linear(60, 3));
        return new Network("bn-identity", new Sequential(List.of(new Sequential.Child("features", features),
                new Sequential.Child("fc", fc))), Shape.of(2, 5, 6));
    }

    /** torchvision's vgg11_bn at ratio 8, 1 channel, 32x32 (its adaptive pool replicates 1x1 to 7x7), no dropout. */
    static Network vgg11Bn() {
        return Vgg.build(VggConfig.torchvision("vgg11_bn", 10).withRatio(8).withInChannels(1).withImageSize(32)
                .withDropout(0));
    }

    static Stream<Arguments> networks() {
        return Stream.of(Arguments.of("non-uniform", nonUniform(), 5),
                Arguments.of("uniform", uniform(), 4),
                Arguments.of("identity", identityPool(), 3),
                Arguments.of("vgg11_bn", vgg11Bn(), 6));
    }

    /** Unit-scale weights; every BN weight, bias and running statistic drawn away from 1 / 0; 3 batches tracked. */
    static Parameters parameters(Network network, long seed) {
        Map<String, Tensor> p = new LinkedHashMap<>(TestData.unitScale(network, seed).asMap());
        SplittableRandom rng = new SplittableRandom(seed + 1);
        for (ParameterSpec s : network.parameterSpecs()) {
            String local = s.name().substring(s.name().lastIndexOf('.') + 1);
            String layer = s.name().substring(0, s.name().lastIndexOf('.'));
            boolean bn = network.parameterSpecs().stream().anyMatch(o -> o.name().equals(layer + ".running_mean"));
            if (!bn) {
                continue;
            }
            int n = Math.toIntExact(s.shape().elementCount());
            float[] v = new float[n];
            switch (local) {
                case "num_batches_tracked" -> p.put(s.name(), Tensor.ofLongs(s.shape(), new long[] {3}));
                default -> {
                    for (int i = 0; i < n; i++) {
                        v[i] = (float) switch (local) {
                            case "running_mean" -> rng.nextDouble(-1, 1);
                            case "running_var" -> rng.nextDouble(0.3, 2.5);
                            case "weight" -> rng.nextDouble(0.5, 1.5);
                            default -> rng.nextDouble(-0.5, 0.5);
                        };
                    }
                    p.put(s.name(), Tensor.wrap(s.shape(), v));
                }
            }
        }
        return Parameters.of(p);
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double d : v) {
            m = Math.max(m, Math.abs(d));
        }
        return m;
    }

    private static void assertClose(String what, float[] actual, double[] expected, double tol) {
        assertThat(actual).as(what + " length").hasSize(expected.length);
        double worst = 0;
        for (int i = 0; i < actual.length; i++) {
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
        }
        System.out.printf("BatchNormPoolTest %s: max abs diff %.2e (tolerance %.2e)%n", what, worst, tol);
        assertThat(worst).as(what + ": max |tensorflow - reference| (tolerance " + tol + ")").isLessThanOrEqualTo(tol);
    }

    private static double[] doubles(Tensor t) {
        double[] d = new double[t.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = t.dtype() == DType.I64 ? t.getLong(i) : t.get(i);
        }
        return d;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("networks")
    void evalTrainingStepRunningStatisticsAndAdamMatchTheReference(String name, Network net, int batch) {
        Parameters params = parameters(net, 41);
        Tensor images = TestData.images(net.sampleShape().prepend(batch), 5);
        int classes = net.outputShape(net.sampleShape().prepend(1)).dim(1);
        int[] labels = TestData.labels(batch, classes, 6);
        Tensor next = TestData.images(net.sampleShape().prepend(batch), 7);
        int[] nextLabels = TestData.labels(batch, classes, 8);

        double[] evalRef = ReferenceForward.logits(net, params, images);
        ReferenceForward.TrainingPass ref = ReferenceForward.trainingPass(net, params, images, labels, null);
        // batch statistics really differ from the running ones, so a mix-up cannot pass
        assertThat(Math.abs(ref.logits()[0] - evalRef[0])).isGreaterThan(1e-3);
        TrainingSpec spec = TrainingSpec.adam(1e-3, 3);
        try (Session tf = TfTesting.backend().open(net, params, Device.cpu());
                Session refSession = new ReferenceBackend().open(net, params, Device.cpu())) {
            Tensor eval = tf.predict(images);
            assertClose("eval logits", eval.toArray(), evalRef, 1e-4);
            try (Trainer t = tf.trainer(spec); Trainer r = refSession.trainer(spec)) {
                GradientResult g = t.gradients(images, labels);
                System.out.printf("BatchNormPoolTest %s: loss rel diff %.2e%n", name,
                        Math.abs(g.loss() - ref.loss()) / ref.loss());
                assertThat(Math.abs(g.loss() - ref.loss())).as("loss").isLessThanOrEqualTo(1e-5 * ref.loss());
                double largest = ref.gradients().values().stream().mapToDouble(BatchNormPoolTest::maxAbs).max()
                        .orElseThrow();
                for (Map.Entry<String, double[]> e : ref.gradients().entrySet()) {
                    // A conv bias right before a batch norm has an exactly zero gradient (the batch mean is
                    // subtracted): the reference gives ~1e-20 and float32 rounding noise is all there is to compare,
                    // so such a tensor is held to 1e-4 of the network's largest gradient.
                    double scale = maxAbs(e.getValue()) > 1e-9 * largest ? maxAbs(e.getValue()) : largest;
                    assertClose("gradient " + e.getKey(), g.gradients().get(e.getKey()).toArray(), e.getValue(),
                            1e-4 * scale);
                }
                assertThat(g.gradients().names()).containsExactlyElementsOf(
                        net.trainableSpecs().stream().map(ParameterSpec::name).toList());
                // gradients() alone leaves the running statistics as they were, as in the reference
                assertThat(tf.parameters().maxAbsDiff(params)).isZero();

                t.step(images, labels);
                r.step(images, labels);
                Parameters after = tf.parameters();
                assertThat(after.names()).containsExactlyElementsOf(params.names());
                assertThat(ref.buffers()).isNotEmpty();
                for (Map.Entry<String, double[]> b : ref.buffers().entrySet()) {
                    Tensor actual = after.get(b.getKey());
                    if (actual.dtype() == DType.I64) {
                        assertThat(actual.toLongArray()).as(b.getKey()).containsExactly(4L);
                    } else {
                        assertClose("updated " + b.getKey(), actual.toArray(), b.getValue(), 1e-5);
                    }
                }
                assertThat(t.optimizerState().slots().values().iterator().next().names())
                        .as("optimizer state holds the trainable tensors only")
                        .containsExactlyElementsOf(net.trainableSpecs().stream().map(ParameterSpec::name).toList());

                double nextRef = r.gradients(next, nextLabels).loss();
                double nextTf = t.gradients(next, nextLabels).loss();
                System.out.printf("BatchNormPoolTest %s: next-batch loss after Adam rel diff %.2e%n", name,
                        Math.abs(nextTf - nextRef) / nextRef);
                assertThat(Math.abs(nextTf - nextRef)).as("next-batch loss after Adam: tf " + nextTf + " ref "
                        + nextRef).isLessThanOrEqualTo(1e-4 * nextRef);
                // Eval mode after the step reads the stored statistics. Not compared with the reference's own step:
                // Adam turns the zero gradient of a conv bias before a BN into +-lr steps whose sign is float32 noise
                // on tensorflow (1e-7) and float64 noise in the reference (1e-20); train mode cancels them, eval mode
                // does not. So the reference evaluates tensorflow's updated state instead.
                double[] evalAfter = ReferenceForward.logits(net, tf.parameters(), next);
                assertClose("eval logits after the step (stored running statistics)", tf.predict(next).toArray(),
                        evalAfter, 1e-4);
            }
        }
    }

    /**
     * The float64 session (batch norm from element-wise kernels, as FusedBatchNormV3 has no float64 kernel) against the
     * reference: everything it returns is float32-rounded, so 1e-6 of each quantity's scale.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("networks")
    void float64SessionMatchesTheReference(String name, Network net, int batch) {
        Parameters params = parameters(net, 43);
        Tensor images = TestData.images(net.sampleShape().prepend(batch), 9);
        int classes = net.outputShape(net.sampleShape().prepend(1)).dim(1);
        int[] labels = TestData.labels(batch, classes, 10);
        double[] evalRef = ReferenceForward.logits(net, params, images);
        ReferenceForward.TrainingPass ref = ReferenceForward.trainingPass(net, params, images, labels, null);
        try (Session tf = TfTesting.backend().open(net, params, Device.cpu(), Precision.FLOAT64);
                Trainer t = tf.trainer(TrainingSpec.adam(1e-3, 3))) {
            assertClose("float64 eval logits", tf.predict(images).toArray(), evalRef,
                    1e-6 * Math.max(1, maxAbs(evalRef)));
            GradientResult g = t.gradients(images, labels);
            assertThat(Math.abs(g.loss() - ref.loss())).as("float64 loss").isLessThanOrEqualTo(1e-12 * ref.loss());
            double largest = ref.gradients().values().stream().mapToDouble(BatchNormPoolTest::maxAbs).max()
                    .orElseThrow();
            for (Map.Entry<String, double[]> e : ref.gradients().entrySet()) {
                double scale = maxAbs(e.getValue()) > 1e-9 * largest ? maxAbs(e.getValue()) : largest;
                assertClose("float64 gradient " + e.getKey(), g.gradients().get(e.getKey()).toArray(), e.getValue(),
                        1e-6 * scale);
            }
            t.step(images, labels);
            Parameters after = tf.parameters();
            for (Map.Entry<String, double[]> b : ref.buffers().entrySet()) {
                Tensor actual = after.get(b.getKey());
                if (actual.dtype() == DType.I64) {
                    assertThat(actual.toLongArray()).as(b.getKey()).containsExactly(4L);
                } else {
                    assertClose("float64 updated " + b.getKey(), actual.toArray(), b.getValue(),
                            1e-6 * maxAbs(b.getValue()));
                }
            }
        }
    }

    @Test
    void averagingMatrixRowsAreTorchsBins() {
        // 5 -> 3 bins: [0, 2), [1, 4), [3, 5) (torch.nn.AdaptiveAvgPool1d(3) on length 5)
        double[] m = TfGraph.averagingMatrix(new AdaptiveAvgPool2d(1, 3), 1, 5);
        assertThat(m).containsExactly(0.5, 0.5, 0, 0, 0, 0, 1 / 3.0, 1 / 3.0, 1 / 3.0, 0, 0, 0, 0, 0.5, 0.5);
    }

    @Test
    void trainingOnOneValuePerChannelIsRefusedWithTheLayer() {
        Network net = new Network("bn-1x1", new Sequential(List.of(new Sequential.Child("features",
                Sequential.of(Conv2d.same3x3(1, 2), new BatchNorm2d(2))), new Sequential.Child("fc",
                Sequential.of(new Flatten(), new Linear(2, 2))))), Shape.of(1, 1, 1));
        try (Session tf = TfTesting.backend().open(net, parameters(net, 1), Device.cpu());
                Trainer t = tf.trainer(TrainingSpec.adam(1e-3, 1))) {
            assertThatThrownBy(() -> t.step(TestData.images(Shape.of(1, 1, 1, 1), 1), new int[] {0}))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("features.1")
                    .hasMessageContaining("more than 1 value per channel");
        }
    }
}
