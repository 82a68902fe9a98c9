package org.vgg4j.backend.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.layer.Conv2d;
import org.vgg4j.core.layer.Flatten;
import org.vgg4j.core.layer.Linear;
import org.vgg4j.core.layer.ParameterSpec;
import org.vgg4j.core.layer.Relu;
import org.vgg4j.core.layer.Sequential;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Initializer;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.GradientResult;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.testing.FiniteDifferences;
import org.vgg4j.core.testing.ReferenceForward;
import org.vgg4j.core.testing.TestData;

/**
 * Random small networks (kernels 1/2/3/5, strides 1-3, any padding up to half the kernel, 1-6 channels, overlapping and
 * strided pools, odd sizes whose last window is partial) through {@code predict} and {@code gradients} in float32,
 * against the float64 reference logits, against the float64 session's gradients (TensorFlow's plain Eigen kernels,
 * never oneDNN) at every entry, and against central finite differences of the reference loss at sampled entries.
 *
 * <p>Before strided convolutions were routed away from oneDNN, a 1x1 convolution with stride > 1 on an input whose last
 * rows are not covered by any window (e.g. 1 channel, 14x14, stride 2) corrupted the heap in oneDNN's filter gradient
 * and killed the JVM (SIGSEGV / "double free or corruption"): the fixed cases below did so on every run.
 */
class RandomNetworkTest {
    /**
     * Finite-difference step (recomputed after rounding the perturbed float32 weight). Small, because a weight of a
     * 1x1 convolution feeding ReLUs and pools on a 19x19 input moves hundreds of pre-activations: at 1e-4 some cross a
     * kink and the difference quotient, not the backend, is off by up to 16 % (float32 and float64 backend agreed).
     */
    private static final double H = 1e-6;
    private static final int SAMPLES_PER_TENSOR = 6;

    static LongStream seeds() {
        return LongStream.range(0, 20).map(i -> 7000 + i);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomNetworkAgreesWithReference(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        check(TestData.randomNetwork(rng, seed), 1 + rng.nextInt(4), seed);
    }

    @Test
    void strided1x1ConvolutionsWithAnUncoveredLastRowDoNotCrash() {
        // {channels, size, stride, batch}: each crashed the JVM in oneDNN's Conv2DBackpropFilter before the fix.
        int[][] cases = {{1, 14, 2, 1}, {3, 16, 2, 2}, {1, 15, 3, 1}, {3, 10, 2, 4}, {1, 10, 2, 3}};
        for (int[] c : cases) {
            int s = (c[1] - 1) / c[2] + 1;
            Network net = new Network("conv1x1-s" + c[2] + "-" + c[0] + "x" + c[1], new Sequential(List.of(
                    new Sequential.Child("f", Sequential.of(new Conv2d(c[0], 4, 1, c[2], 0), new Relu(),
                            new Conv2d(4, 3, 1, c[2], 0), new Relu())),
                    new Sequential.Child("fc", Sequential.of(new Flatten(),
                            new Linear(3 * ((s - 1) / c[2] + 1) * ((s - 1) / c[2] + 1), 3))))),
                    Shape.of(c[0], c[1], c[1]));
            check(net, c[3], c[1]);
        }
    }

    private static void check(Network net, int batch, long seed) {
        Parameters params = Parameters.initialize(net, Initializer.PYTORCH_DEFAULT, seed);
        Tensor images = TestData.images(net.sampleShape().prepend(batch), seed + 1);
        int[] labels = TestData.labels(batch, net.numClasses(), seed + 2);
        Tensor reference = ReferenceForward.logitsTensor(net, params, images);
        GradientResult g;
        double logitsDiff;
        try (Session s = TfTesting.backend().open(net, params, Device.cpu())) {
            logitsDiff = s.predict(images).maxAbsDiff(reference);
            g = s.trainer(TrainingSpec.adam(1e-3, seed)).gradients(images, labels);
        }
        GradientResult g64;
        try (Session s = TfTesting.backend().open(net, params, Device.cpu(), Precision.FLOAT64)) {
            g64 = s.trainer(TrainingSpec.adam(1e-3, seed)).gradients(images, labels);
        }
        double worstVs64 = 0;
        for (ParameterSpec spec : net.trainableSpecs()) {
            Tensor exact = g64.gradients().get(spec.name());
            worstVs64 = Math.max(worstVs64, g.gradients().get(spec.name()).maxAbsDiff(exact)
                    / Math.max(1e-6, exact.maxAbs()));
        }
        double referenceLoss = ReferenceForward.loss(net, params, images, labels);
        SplittableRandom pick = new SplittableRandom(seed ^ 0x5DEECE66DL);
        double worst = 0;
        for (ParameterSpec spec : net.trainableSpecs()) {
            Tensor analytic = g.gradients().get(spec.name());
            double largest = Math.max(1e-6, analytic.maxAbs());
            for (int j = 0; j < SAMPLES_PER_TENSOR; j++) {
                int i = pick.nextInt(analytic.size());
                double numeric = FiniteDifferences.centralDifference(net, params, spec.name(), i, H, images, labels);
                worst = Math.max(worst, Math.abs(numeric - analytic.get(i)) / largest);
            }
        }
        System.out.printf("%s %s batch %d: logits diff %.2e, loss diff %.2e, gradients vs float64 %.2e, "
                + "vs finite differences %.2e%n", net.name(), net.sampleShape(), batch, logitsDiff,
                Math.abs(g.loss() - referenceLoss), worstVs64, worst);
        String what = net.describePytorch();
        assertThat(logitsDiff).as("logits of %s", what).isLessThanOrEqualTo(1e-4 * Math.max(1, reference.maxAbs()));
        assertThat(g.loss()).as("loss of %s", what).isCloseTo(referenceLoss,
                org.assertj.core.data.Offset.offset(1e-4 * Math.max(1, referenceLoss)));
        assertThat(worstVs64).as("gradients of %s vs float64", what).isLessThanOrEqualTo(1e-4);
        assertThat(worst).as("gradients of %s vs finite differences", what).isLessThanOrEqualTo(1e-3);
    }
}
