package org.vgg4j.backend.pytorch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.layer.Conv2d;
import org.vgg4j.core.layer.Flatten;
import org.vgg4j.core.layer.Linear;
import org.vgg4j.core.layer.MaxPool2d;
import org.vgg4j.core.layer.Relu;
import org.vgg4j.core.layer.Sequential;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Initializer;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.spi.Trainer;
import org.vgg4j.core.testing.ReferenceForward;
import org.vgg4j.core.testing.TestData;

/**
 * Regression test for libtorch 2.7.1's CPU convolution (oneDNN 3.7.1): its forward pass is wrong for 17-31, 33-47, ...
 * input channels and its input gradient is garbage for output channels that are not a multiple of 16. A network with
 * 24- and 8-channel inner convolutions gets the reference's logits and exact, repeatable gradients through the
 * zero-channel padding of {@link CompiledNetwork}.
 */
class ConvChannelWorkaroundTest {

    private static Network net() {
        Sequential features = Sequential.of(Conv2d.same3x3(1, 16), new Relu(), Conv2d.same3x3(16, 24), new Relu(),
                new MaxPool2d(2, 2), Conv2d.same3x3(24, 8), new Relu(), new MaxPool2d(2, 2));
        Sequential fc = Sequential.of(new Flatten(), new Linear(8, 10));
        return new Network("odd-channels", new Sequential(List.of(new Sequential.Child("features", features),
                new Sequential.Child("fc", fc))), Shape.of(1, 4, 4));
    }

    @Test
    void innerConvolutionsWithOddChannelCountsAreCompiledWithPadding() {
        assertThat(CompiledNetwork.compile(net(), true).paddedConvolutions()).isEqualTo(2);
        assertThat(CompiledNetwork.compile(net(), false).paddedConvolutions()).isZero();
        // VGG's channel counts need no padding: only the first convolution (no input gradient) has 8 channels.
        assertThat(CompiledNetwork.compile(PyTorchTesting.narrowVgg11(32, 0), true).paddedConvolutions()).isZero();
    }

    @Test
    void logitsMatchTheReference() {
        Network net = net();
        Parameters params = Parameters.initialize(net, Initializer.PYTORCH_DEFAULT, 9);
        Tensor images = TestData.images(net.sampleShape().prepend(4), 10);
        try (Session s = PyTorchTesting.backend().open(net, params, Device.cpu())) {
            double diff = s.predict(images).maxAbsDiff(ReferenceForward.logitsTensor(net, params, images));
            System.out.printf("logits max abs diff vs float64 reference, odd-channels: %.3g%n", diff);
            assertThat(diff).isLessThanOrEqualTo(1e-5);
        }
    }

    @Test
    void gradientsAreExactAndRepeatable() {
        Network net = net();
        GradientCheckTest.check(net);
        Parameters params = Parameters.initialize(net, Initializer.PYTORCH_DEFAULT, 9);
        Tensor images = TestData.images(net.sampleShape().prepend(4), 10);
        int[] labels = TestData.labels(4, 10, 11);
        try (Session s = PyTorchTesting.backend().open(net, params, Device.cpu())) {
            Trainer t = s.trainer(TrainingSpec.adam(1e-3, 0));
            Parameters first = t.gradients(images, labels).gradients();
            for (int i = 0; i < 5; i++) {
                assertThat(t.gradients(images, labels).gradients().maxAbsDiff(first)).isZero();
            }
        }
    }
}
