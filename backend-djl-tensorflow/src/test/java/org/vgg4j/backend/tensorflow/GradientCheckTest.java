package org.vgg4j.backend.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.layer.ParameterSpec;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Initializer;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.GradientResult;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.testing.FiniteDifferences;
import org.vgg4j.core.testing.ReferenceForward;
import org.vgg4j.core.testing.TestData;

/**
 * The backend's gradients (TensorFlow's backward kernels chained by the backend) against central finite differences of
 * the plain-Java float64 reference loss, for every parameter of every kind.
 */
class GradientCheckTest {
    /**
     * Finite-difference step; the actual step is recomputed after rounding the perturbed weight to float32. Small enough
     * that no ReLU or max-pool decision flips for these seeds (at 1e-4 one pre-activation of tinyVgg crosses zero and
     * the finite difference, not the backend, is wrong), large enough that float64 round-off (~1e-11) is negligible.
     */
    private static final double H = 1e-5;

    @Test
    void tinyVggGradientsMatchFiniteDifferencesInFloat64() {
        double worst = check(TestData.tinyVgg(0), 4, Precision.FLOAT64);
        assertThat(worst).isLessThanOrEqualTo(1e-4);
    }

    @Test
    void oddNetworkGradientsMatchFiniteDifferencesInFloat64() {
        double worst = check(TestData.oddNetwork(0), 3, Precision.FLOAT64);
        assertThat(worst).isLessThanOrEqualTo(1e-4);
    }

    @Test
    void oddNetworkGradientsMatchFiniteDifferencesInFloat32() {
        // float32 runs oneDNN's max pooling (here with overlapping 3x3/2 windows), float64 TensorFlow's own.
        double worst = check(TestData.oddNetwork(0), 3, Precision.FLOAT32);
        assertThat(worst).isLessThanOrEqualTo(1e-4);
    }

    @Test
    void tinyVggGradientsMatchFiniteDifferencesInFloat32() {
        // float32 kernels: bounded by float32 rounding of activations and sums, not by the method.
        double worst = check(TestData.tinyVgg(0), 4, Precision.FLOAT32);
        assertThat(worst).isLessThanOrEqualTo(1e-4);
    }

    /** Returns the largest relative error over all parameter tensors (to each tensor's largest FD gradient). */
    static double check(Network network, int batch, Precision precision) {
        Parameters params = Parameters.initialize(network, Initializer.PYTORCH_DEFAULT, 3);
        Tensor images = TestData.images(network.sampleShape().prepend(batch), 5);
        int[] labels = TestData.labels(batch, network.numClasses(), 6);
        GradientResult result;
        try (Session s = TfTesting.backend().open(network, params, Device.cpu(), precision);
                org.vgg4j.core.spi.Trainer t = s.trainer(TrainingSpec.adam(1e-3, 0))) {
            result = t.gradients(images, labels);
        }
        double referenceLoss = ReferenceForward.loss(network, params, images, labels);
        System.out.printf("%s %s: loss backend %.10f reference %.10f%n", network.name(), precision, result.loss(),
                referenceLoss);
        assertThat(Math.abs(result.loss() - referenceLoss) / referenceLoss).isLessThan(
                precision == Precision.FLOAT64 ? 1e-12 : 1e-6);
        double worst = 0;
        Map<String, Double> errors = new LinkedHashMap<>();
        for (ParameterSpec spec : network.trainableSpecs()) {
            Tensor analytic = result.gradients().get(spec.name());
            double[] numeric = finiteDifferences(network, params, spec.name(), images, labels);
            double largest = 0;
            double maxDiff = 0;
            for (int i = 0; i < numeric.length; i++) {
                largest = Math.max(largest, Math.abs(numeric[i]));
                maxDiff = Math.max(maxDiff, Math.abs(numeric[i] - analytic.get(i)));
            }

            assertThat(largest).as("gradient of %s should not vanish", spec.name()).isGreaterThan(0);
            double rel = maxDiff / largest;
            errors.put(spec.name(), rel);
            worst = Math.max(worst, rel);
        }
        errors.forEach((k, v) -> System.out.printf("  %-24s max rel error %.3e%n", k, v));
        System.out.printf("%s %s: worst relative gradient error %.3e%n", network.name(), precision, worst);
        return worst;
    }

    private static double[] finiteDifferences(Network network, Parameters params, String name, Tensor images,
            int[] labels) {
        double[] out = new double[params.get(name).size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = FiniteDifferences.centralDifference(network, params, name, i, H, images, labels);
        }
        return out;
    }
}
