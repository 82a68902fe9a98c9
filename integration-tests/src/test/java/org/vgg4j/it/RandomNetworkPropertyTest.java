package org.vgg4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.layer.Conv2d;
import org.vgg4j.core.layer.Flatten;
import org.vgg4j.core.layer.Layer;
import org.vgg4j.core.layer.Linear;
import org.vgg4j.core.layer.MaxPool2d;
import org.vgg4j.core.layer.Relu;
import org.vgg4j.core.layer.Sequential;
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

    static Network randomNetwork(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int channels = 1 + rng.nextInt(3);
        int size = 6 + rng.nextInt(15);
        List<Sequential.Child> children = new ArrayList<>();
        int c = channels;
        int s = size;
        int blocks = 1 + rng.nextInt(3);
        for (int b = 1; b <= blocks && s >= 2; b++) {
            List<Layer> layers = new ArrayList<>();
            int convs = 1 + rng.nextInt(2);
            for (int i = 0; i < convs; i++) {
                int k = rng.nextBoolean() ? 3 : 1 + 2 * rng.nextInt(2);
                int pad = rng.nextInt(k / 2 + 1);
                int stride = rng.nextInt(4) == 0 ? 2 : 1;
                if (s + 2 * pad < k) {
                    k = 1;
                    pad = 0;
                }
                int out = 1 + rng.nextInt(6);
                layers.add(new Conv2d(c, out, k, stride, pad));
                layers.add(new Relu());
                s = (s + 2 * pad - k) / stride + 1;
                c = out;
            }
            if (s >= 2) {
                int pk = Math.min(s, 2 + rng.nextInt(2));
                int ps = 1 + rng.nextInt(2);
                layers.add(new MaxPool2d(pk, ps));
                s = (s - pk) / ps + 1;
            }
            children.add(new Sequential.Child("block_" + b, Sequential.of(layers)));
        }
        int hidden = 4 + rng.nextInt(13);
        int classes = 2 + rng.nextInt(9);
        children.add(new Sequential.Child("fc", Sequential.of(new Flatten(), new Linear(c * s * s, hidden),
                new Relu(), new Linear(hidden, classes))));
        return new Network("random-" + seed, new Sequential(children), Shape.of(channels, size, size));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void allBackendsAgreeOnARandomNetwork(long seed) {
        Network net = randomNetwork(seed);
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
                assertThat(g.loss()).isCloseTo(ReferenceForward.crossEntropy(ReferenceForward.logits(net, params,
                        images), labels), org.assertj.core.data.Offset.offset(1e-4));
                if (anchor == null) {
                    anchor = g;
                    anchorName = backend.name();
                    continue;
                }
                for (String name : params.names()) {
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
