package org.vgg4j.backend.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.layer.Conv2d;
import org.vgg4j.core.layer.Flatten;
import org.vgg4j.core.layer.MaxPool2d;
import org.vgg4j.core.layer.Relu;
import org.vgg4j.core.layer.Sequential;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Initializer;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.testing.ReferenceForward;
import org.vgg4j.core.testing.TestData;

/**
 * Networks whose last layer is not a linear layer (VGG prefixes, a trailing flatten): {@code predict} returns the
 * activation in core's NCHW layout (or NCHW flatten order), whatever layout the engine computes in.
 */
class NonLogitOutputTest {

    @Test
    void vggPrefixesReturnNchwActivationsBlockByBlock() {
        Network vgg = TfTesting.narrowVgg11(32, 0);
        Parameters all = Parameters.initialize(vgg, Initializer.PYTORCH_DEFAULT, 21);
        Tensor images = TestData.images(vgg.sampleShape().prepend(2), 22);
        int blocks = vgg.root().children().size() - 1; // every block, without the head
        for (int k = 1; k <= blocks; k++) {
            Network prefix = prefix(vgg, k);
            double diff = diff(prefix, sliceOf(all, prefix), images);
            System.out.printf("narrow VGG-11 first %d block(s) %s: max abs diff to reference %.3e%n", k,
                    prefix.outputShape(images.shape()), diff);
            assertThat(diff).as("prefix of %d blocks", k).isLessThanOrEqualTo(1e-4);
        }
    }

    @Test
    void aTrailingFlattenUsesNchwFeatureOrder() {
        Network net = new Network("conv-flatten", Sequential.of(new Conv2d(3, 5, 3, 1, 1), new Relu(),
                new MaxPool2d(2, 2), new Flatten()), Shape.of(3, 8, 6));
        double diff = diff(net, Parameters.initialize(net, Initializer.PYTORCH_DEFAULT, 23),
                TestData.images(net.sampleShape().prepend(3), 24));
        assertThat(diff).isLessThanOrEqualTo(1e-4);
    }

    @Test
    void gradientsThroughATrailingFlattenMatchFiniteDifferences() {
        // Its output is rank 2, so it trains: the backward pass must undo the flatten's NCHW transpose.
        Network net = new Network("conv-pool-flatten", Sequential.of(new Conv2d(2, 3, 3, 1, 1), new Relu(),
                new MaxPool2d(2, 2), new Flatten()), Shape.of(2, 6, 4));
        assertThat(GradientCheckTest.check(net, 3, Precision.FLOAT64)).isLessThanOrEqualTo(1e-4);
        assertThat(GradientCheckTest.check(net, 3, Precision.FLOAT32)).isLessThanOrEqualTo(1e-4);
    }

    @Test
    void aConvolutionWithoutReluAsLastLayer() {
        Network net = new Network("conv", Sequential.of(new Conv2d(2, 4, 3, 2, 1)), Shape.of(2, 9, 7));
        double diff = diff(net, Parameters.initialize(net, Initializer.PYTORCH_DEFAULT, 25),
                TestData.images(net.sampleShape().prepend(2), 26));
        assertThat(diff).isLessThanOrEqualTo(1e-4);
    }

    @Test
    void trainingANetworkWithoutTwoDimensionalLogitsIsRefusedClearly() {
        Network net = prefix(TfTesting.narrowVgg11(32, 0), 1);
        Parameters params = Parameters.initialize(net, Initializer.PYTORCH_DEFAULT, 27);
        try (Session s = TfTesting.backend().open(net, params, Device.cpu())) {
            assertThatThrownBy(() -> s.trainer(TrainingSpec.adam(1e-3, 1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("[N, classes]");
        }
    }

    private static double diff(Network net, Parameters params, Tensor images) {
        Tensor expected = ReferenceForward.logitsTensor(net, params, images);
        try (Session s = TfTesting.backend().open(net, params, Device.cpu())) {
            Tensor actual = s.predict(images);
            assertThat(actual.shape()).isEqualTo(expected.shape());
            assertThat(expected.maxAbs()).isGreaterThan(0);
            return actual.maxAbsDiff(expected);
        }
    }

    /** The network made of the first {@code k} top-level children of {@code net}. */
    static Network prefix(Network net, int k) {
        List<Sequential.Child> children = new ArrayList<>(net.root().children().subList(0, k));
        return new Network(net.name() + "-first-" + k, new Sequential(children), net.sampleShape());
    }

    private static Parameters sliceOf(Parameters all, Network net) {
        java.util.Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        net.parameterSpecs().forEach(p -> out.put(p.name(), all.get(p.name())));
        return Parameters.of(out);
    }
}
