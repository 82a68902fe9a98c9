package org.vgg4j.backend.pytorch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Initializer;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.spi.Trainer;
import org.vgg4j.core.testing.ReferenceForward;
import org.vgg4j.core.testing.TestData;

/**
 * The channels-last input layout of {@link CompiledNetwork} on the CPU: on by default, off with
 * {@code -Dvgg4j.pytorch.channelsLast=false}, and with either layout the narrow VGG-11's logits match the float64
 * reference and its gradients agree (only the order of the sums differs).
 */
class ChannelsLastTest {

    @AfterEach
    void restoreDefault() {
        System.clearProperty(CompiledNetwork.CHANNELS_LAST_PROPERTY);
    }

    @Test
    void isOnByDefaultOnTheCpuOnlyAndCanBeSwitchedOff() {
        Network net = PyTorchTesting.narrowVgg11(32, 0);
        assertThat(CompiledNetwork.compile(net, true).channelsLast()).isTrue();
        assertThat(CompiledNetwork.compile(net, false).channelsLast()).isFalse();
        System.setProperty(CompiledNetwork.CHANNELS_LAST_PROPERTY, "false");
        assertThat(CompiledNetwork.compile(net, true).channelsLast()).isFalse();
    }

    @Test
    void bothLayoutsGiveTheReferenceLogitsAndTheSameGradients() {
        Network net = PyTorchTesting.narrowVgg11(32, 0);
        Parameters params = Parameters.initialize(net, Initializer.PYTORCH_DEFAULT, 5);
        Tensor images = TestData.images(net.sampleShape().prepend(4), 6);
        int[] labels = TestData.labels(4, 10, 7);
        Tensor reference = ReferenceForward.logitsTensor(net, params, images);
        Parameters[] grads = new Parameters[2];
        for (int i = 0; i < 2; i++) {
            System.setProperty(CompiledNetwork.CHANNELS_LAST_PROPERTY, String.valueOf(i == 0));
            try (Session s = PyTorchTesting.backend().open(net, params, Device.cpu())) {
                double diff = s.predict(images).maxAbsDiff(reference);
                System.out.printf("channelsLast=%s: logits max abs diff vs float64 reference %.3g%n", i == 0, diff);
                assertThat(diff).isLessThanOrEqualTo(1e-4);
                try (Trainer t = s.trainer(TrainingSpec.adam(1e-3, 0))) {
                    grads[i] = t.gradients(images, labels).gradients();
                }
            }
        }
        double gradDiff = grads[0].maxAbsDiff(grads[1]);
        double largest = grads[1].asMap().values().stream().mapToDouble(Tensor::maxAbs).max().orElse(0);
        System.out.printf("gradients channels-last vs NCHW: max abs diff %.3g (largest gradient %.3g)%n", gradDiff,
                largest);
        assertThat(largest).isPositive();
        assertThat(gradDiff).isLessThanOrEqualTo(1e-4 * largest);
    }
}
