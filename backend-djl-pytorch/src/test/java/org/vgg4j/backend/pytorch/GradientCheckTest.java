package org.vgg4j.backend.pytorch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Initializer;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.GradientResult;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.spi.Trainer;
import org.vgg4j.core.testing.FiniteDifferences;
import org.vgg4j.core.testing.ReferenceForward;
import org.vgg4j.core.testing.TestData;

/**
 * libtorch's autograd gradients equal central finite differences of the float64 reference loss on the real VGG shapes
 * (the contract checks the tiny network).
 */
class GradientCheckTest {
    private static final double H = 1e-4;
    /**
     * Step for the deep network: its early layers feed thousands of ReLU/max-pool units per sample, so a step of 1e-4
     * crosses kinks and the difference quotient wobbles by ~1 % (it converges to the backend's value as h shrinks).
     */
    private static final double H_DEEP = 1e-6;

    /**
     * The real VGG shapes (8..64 channels down to 1x1, FC 64-512-512-10): for 6 elements of every tensor (its largest
     * backend gradient and 5 random ones) the backend's gradient equals the central finite difference. PyTorch's
     * initialisation, because torchvision's zero biases put many pre-activations exactly on ReLU's kink.
     */
    @Test
    void narrowVgg11SampledGradientsMatchFiniteDifferences() {
        Network net = PyTorchTesting.narrowVgg11(32, 0);
        Parameters params = Parameters.initialize(net, Initializer.PYTORCH_DEFAULT, 12);
        Tensor images = TestData.images(net.sampleShape().prepend(2), 13);
        int[] labels = {3, 7};
        GradientResult result;
        try (Session s = PyTorchTesting.backend().open(net, params, Device.cpu());
                Trainer t = s.trainer(TrainingSpec.adam(1e-3, 1))) {
            result = t.gradients(images, labels);
        }
        java.util.SplittableRandom rng = new java.util.SplittableRandom(14);
        double worst = 0;
        for (String name : params.names()) {
            Tensor backend = result.gradients().get(name);
            int size = backend.size();
            int largest = 0;
            for (int i = 1; i < size; i++) {
                if (Math.abs(backend.get(i)) > Math.abs(backend.get(largest))) {
                    largest = i;
                }
            }
            double maxErr = 0;
            for (int k = 0; k < 6; k++) {
                int i = k == 0 ? largest : rng.nextInt(size);
                double fd = FiniteDifferences.centralDifference(net, params, name, i, H_DEEP, images, labels);
                maxErr = Math.max(maxErr, Math.abs(fd - backend.get(i)));
            }
            double rel = maxErr / Math.abs(backend.get(largest));
            System.out.printf("sampled gradient %-22s max |g| %.3e  max err %.3e  relative %.3e%n", name,
                    Math.abs(backend.get(largest)), maxErr, rel);
            assertThat(backend.maxAbs()).as("gradient of %s is not all zero", name).isGreaterThan(0);
            worst = Math.max(worst, rel);
        }
        System.out.printf("gradient check (sampled), %s: worst relative error %.3e%n", net.name(), worst);
        assertThat(worst).isLessThanOrEqualTo(1e-3);
    }

    /**
     * Asserts that the backend's gradients of {@code net} match central finite differences of the reference (the
     * contract's check on the tiny network, here for networks of this backend's own concerns).
     */
    static void check(Network net) {
        Parameters params = Parameters.initialize(net, Initializer.PYTORCH_DEFAULT, 3);
        Tensor images = TestData.images(net.sampleShape().prepend(4), 4);
        int[] labels = TestData.labels(4, 10, 5);
        GradientResult result;
        try (Session s = PyTorchTesting.backend().open(net, params, Device.cpu());
                Trainer t = s.trainer(TrainingSpec.adam(1e-3, 1))) {
            result = t.gradients(images, labels);
        }
        double refLoss = ReferenceForward.loss(net, params, images, labels);
        assertThat(result.loss()).isCloseTo(refLoss, org.assertj.core.data.Offset.offset(1e-6 * refLoss));
        double worst = FiniteDifferences.worstRelativeError(net, params, result.gradients(), H, images, labels);
        System.out.printf("gradient check, %s: worst relative error %.3e%n", net.name(), worst);
        assertThat(worst).isLessThanOrEqualTo(1e-4);
    }
}
