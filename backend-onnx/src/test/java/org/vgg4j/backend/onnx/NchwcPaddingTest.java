package org.vgg4j.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.vgg4j.core.Device;
import org.vgg4j.core.LayerNode;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.layer.Conv2d;
import org.vgg4j.core.param.Initializer;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.testing.ReferenceForward;
import org.vgg4j.core.testing.TestData;
import org.vgg4j.models.vgg.Vgg;
import org.vgg4j.onnx.ExportMetadata;
import org.vgg4j.onnx.OnnxExporter;
import org.vgg4j.onnx.OnnxMetadata;
import org.vgg4j.onnx.ParameterDigest;

/**
 * Padding convolutions to the NCHWc block widens exactly the convolutions that feed another convolution, with zero
 * filters that leave the logits unchanged, in the float64 reference and on ONNX Runtime.
 */
class NchwcPaddingTest {

    @Test
    void narrowVgg11OnAvx512WidensOnlyTheFirstConvolution() {
        Network net = Vgg.vgg11Narrow();
        Parameters params = Parameters.initialize(net, Initializer.TORCHVISION_VGG, 1);
        NchwcPadding.Padded padded = NchwcPadding.apply(net, params, 16);

        assertThat(padded.widened()).isEqualTo(1);
        assertThat(convs(padded.network())).containsExactly(new Conv2d(1, 16, 3, 1, 1), new Conv2d(16, 16, 3, 1, 1),
                new Conv2d(16, 32, 3, 1, 1), new Conv2d(32, 32, 3, 1, 1), new Conv2d(32, 64, 3, 1, 1),
                new Conv2d(64, 64, 3, 1, 1), new Conv2d(64, 64, 3, 1, 1), new Conv2d(64, 64, 3, 1, 1));
        assertThat(padded.network().outputShape(Shape.of(2, 1, 224, 224))).isEqualTo(Shape.of(2, 10));
        assertThat(padded.parameters().get("vgg_block_1.0.weight").shape()).isEqualTo(Shape.of(16, 1, 3, 3));
        assertThat(padded.parameters().get("vgg_block_2.0.weight").shape()).isEqualTo(Shape.of(16, 16, 3, 3));
        // Already a multiple of 8: nothing to do on an AVX2 machine.
        assertThat(NchwcPadding.apply(net, params, 8).widened()).isZero();
        assertThat(NchwcPadding.apply(net, params, 0).network()).isSameAs(net);
    }

    @Test
    void aConvolutionFeedingTheClassifierKeepsItsWidth() {
        Network tiny = TestData.tinyVgg(0.5); // conv 1->4, 4->4, pool; conv 4->8, pool; flatten; linear 32->16->10
        Parameters params = Parameters.initialize(tiny, Initializer.PYTORCH_DEFAULT, 3);
        NchwcPadding.Padded padded = NchwcPadding.apply(tiny, params, 16);

        assertThat(padded.widened()).isEqualTo(2);
        assertThat(convs(padded.network())).containsExactly(new Conv2d(1, 16, 3, 1, 1), new Conv2d(16, 16, 3, 1, 1),
                new Conv2d(16, 8, 3, 1, 1));
        assertThat(padded.parameters().get("fc.1.weight")).isSameAs(params.get("fc.1.weight"));
    }

    @Test
    void zeroPadKeepsEveryValueInItsPlace() {
        Tensor t = Tensor.of(Shape.of(2, 3), new float[] {1, 2, 3, 4, 5, 6});
        assertThat(NchwcPadding.zeroPad(t, Shape.of(3, 4)).toArray())
                .containsExactly(1, 2, 3, 0, 4, 5, 6, 0, 0, 0, 0, 0);
        Tensor bias = Tensor.of(Shape.of(2), new float[] {7, 8});
        assertThat(NchwcPadding.zeroPad(bias, Shape.of(4)).toArray()).containsExactly(7, 8, 0, 0);
    }

    static LongStream seeds() {
        return LongStream.range(0, 12);
    }

    @ParameterizedTest(name = "random network {0}")
    @MethodSource("seeds")
    void paddedRandomNetworksGiveTheSameLogits(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Network net = TestData.randomNetwork(rng, seed);
        Parameters params = Parameters.initialize(net, Initializer.PYTORCH_DEFAULT, seed);
        Tensor images = TestData.images(net.sampleShape().prepend(3), seed);
        double[] expected = ReferenceForward.logits(net, params, images);

        for (int block : new int[] {8, 16}) {
            NchwcPadding.Padded padded = NchwcPadding.apply(net, params, block);
            double[] actual = ReferenceForward.logits(padded.network(), padded.parameters(), images);
            assertThat(maxAbsDiff(actual, expected)).as("block %d, %d widened", block, padded.widened()).isZero();

            OnnxBackend backend = new OnnxBackend(new OnnxRuntimeOptions(1, block));
            try (OnnxSession session = backend.open(net, params, Device.cpu())) {
                double[] onnx = toDouble(session.predict(images));
                assertThat(maxAbsDiff(onnx, expected)).as("ONNX Runtime, block %d", block).isLessThanOrEqualTo(1e-4);
                assertThat(session.network()).isSameAs(net);
                assertThat(session.parameters().names()).isEqualTo(params.names());
                assertThat(session.parameters().maxAbsDiff(params)).isZero();
            }
        }
    }

    /**
     * A CPU session exports once, padded: the runtime's model is widened, while the session reports the network,
     * the parameters and (for an in-memory model) the digest as given; a file's session reports the file's own
     * metadata, and on a GPU nothing would be padded.
     */
    @Test
    void aCpuSessionRunsThePaddedExportAndReportsTheModelAsGiven(@TempDir Path dir) {
        Network tiny = TestData.tinyVgg(0.5);
        Parameters params = Parameters.initialize(tiny, Initializer.PYTORCH_DEFAULT, 3);
        Tensor images = TestData.images(tiny.sampleShape().prepend(2), 4);
        Tensor expected = ReferenceForward.logitsTensor(tiny, params, images);
        OnnxBackend backend = new OnnxBackend(new OnnxRuntimeOptions(1, 16));
        try (OnnxSession s = backend.open(tiny, params, Device.cpu())) {
            assertThat(s.paddedConvolutions()).isEqualTo(2);
            assertThat(s.predict(images).maxAbsDiff(expected)).isLessThanOrEqualTo(1e-6);
            assertThat(s.network()).isSameAs(tiny);
            assertThat(s.info().parameterDigest()).isEqualTo(ParameterDigest.sha256(params));
            assertThat(s.info().properties()).containsEntry(OnnxMetadata.PARAMETERS_COUNT,
                    Long.toString(params.elementCount()));
        }
        Path file = dir.resolve("tiny.onnx");
        OnnxExporter.write(file, tiny, params, ExportMetadata.forNetwork(tiny));
        try (OnnxSession s = backend.openFile(file, Device.cpu())) {
            assertThat(s.paddedConvolutions()).isEqualTo(2);
            assertThat(s.predict(images).maxAbsDiff(expected)).isLessThanOrEqualTo(1e-6);
            assertThat(s.info().source()).isEqualTo(file.toString());
            assertThat(s.info().parameterDigest()).isEqualTo(ParameterDigest.sha256(params));
        }
        try (OnnxSession s = new OnnxBackend(new OnnxRuntimeOptions(1, 8)).open(Vgg.vgg11Narrow(),
                Parameters.initialize(Vgg.vgg11Narrow(), Initializer.TORCHVISION_VGG, 1), Device.cpu())) {
            assertThat(s.paddedConvolutions()).as("VGG's channels are multiples of 8").isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "sixteen"})
    void aBadBlockPropertyIsAnError(String value) {
        String before = System.getProperty(OnnxRuntimeOptions.NCHWC_BLOCK_PROPERTY);
        System.setProperty(OnnxRuntimeOptions.NCHWC_BLOCK_PROPERTY, value);
        try {
            assertThatThrownBy(OnnxRuntimeOptions::defaults).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(OnnxRuntimeOptions.NCHWC_BLOCK_PROPERTY).hasMessageContaining(value);
        } finally {
            if (before == null) {
                System.clearProperty(OnnxRuntimeOptions.NCHWC_BLOCK_PROPERTY);
            } else {
                System.setProperty(OnnxRuntimeOptions.NCHWC_BLOCK_PROPERTY, before);
            }
        }
    }

    private static List<Conv2d> convs(Network network) {
        return network.leaves(1).stream().map(LayerNode::layer).filter(Conv2d.class::isInstance)
                .map(Conv2d.class::cast).toList();
    }

    private static double[] toDouble(Tensor t) {
        float[] f = t.toArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static double maxAbsDiff(double[] a, double[] b) {
        assertThat(a).hasSameSizeAs(b);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
