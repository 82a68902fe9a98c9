package org.vgg4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.core.spi.GradientResult;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.testing.ReferenceForward;
import org.vgg4j.core.testing.TestData;

/**
 * Property: for random small networks (random depth, channels, kernels, strides, padding, pooling, input size and
 * head), every backend's logits match the float64 reference, and every trainable backend's loss and gradients match
 * the anchor backend's.
 */
class RandomNetworkPropertyTest {
    private static final int CASES = 24;

    static Stream<Long> seeds() {
        return IntStream.range(0, CASES).mapToObj(i -> 1000L + i);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void allBackendsAgreeOnARandomNetwork(long seed) {
        Network net = TestData.randomNetwork(new SplittableRandom(seed), seed);
        Parameters params = Models.unitScale(net, seed);
        int batch = 1 + (int) (seed % 4);
        Tensor images = TestData.images(net.sampleShape().prepend(batch), seed + 1);
        int[] labels = TestData.labels(batch, net.numClasses(), seed + 2);
        Tensor reference = ReferenceForward.logitsTensor(net, params, images);
        GradientResult anchor = null;
        String anchorName = null;
        double worstLogits = 0;
        double worstGrad = 0;
        for (Backend backend : BackendsUnderTest.all()) {
            try (Session s = backend.open(net, params, Device.cpu())) {
                double diff = s.predict(images).maxAbsDiff(reference);
                worstLogits = Math.max(worstLogits, diff);
                assertThat(diff).as("%s on %s", backend.name(), net.describePytorch()).isLessThanOrEqualTo(1e-4);
                if (!backend.capabilities().training()) {
                    continue;
                }
                GradientResult g = s.trainer(TrainingSpec.adam(1e-3, 1)).gradients(images, labels);
                assertThat(g.loss()).isCloseTo(ReferenceForward.loss(net, params, images, labels),
                        org.assertj.core.data.Offset.offset(1e-4));
                if (anchor == null) {
                    anchor = g;
                    anchorName = backend.name();
                    continue;
                }
                for (String name : anchor.gradients().names()) {
                    Tensor a = anchor.gradients().get(name);
                    double rel = g.gradients().get(name).maxAbsDiff(a) / Math.max(1e-6, a.maxAbs());
                    worstGrad = Math.max(worstGrad, rel);
                    assertThat(rel).as("gradient %s of %s vs %s on %s", name, backend.name(), anchorName,
                            net.describePytorch()).isLessThanOrEqualTo(1e-4);
                }
            }
        }
        AgreementTable.record("random network: logits / gradients", net.name(), "all", "reference / " + anchorName,
                Math.max(worstLogits, worstGrad), 1e-4);
    }
}
