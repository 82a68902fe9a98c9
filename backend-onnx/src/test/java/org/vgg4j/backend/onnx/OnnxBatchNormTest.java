package org.vgg4j.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.testing.ReferenceForward;
import org.vgg4j.core.testing.TestData;
import org.vgg4j.models.vgg.Vgg;
import org.vgg4j.models.vgg.VggConfig;

/**
 * Batch norm (eval mode) and adaptive average pooling run on ONNX Runtime as in the float64 reference: torchvision's
 * vgg11_bn at ratio 8, 32x32 (the adaptive pool maps 1x1 to 7x7, non-uniform bins: the Einsum export) and 224x224
 * (7x7 to 7x7: an AveragePool), 1 and 3 channels, with running statistics drawn away from 0 and 1; and padded to
 * the NCHWc block (batch norm widened with the convolution) the logits do not change.
 */
class OnnxBatchNormTest {
    private static final double TOLERANCE = 1e-4;

    /** Unit-scale weights; batch norm's weight, bias and running statistics drawn away from 1 / 0. */
    static Parameters bnParameters(Network network, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : TestData.unitScale(network, seed).asMap().entrySet()) {
            String name = e.getKey();
            Tensor t = e.getValue();
            boolean bn = network.parameterSpecs().stream().anyMatch(s -> s.name().equals(name.substring(0,
                    name.lastIndexOf('.')) + ".running_var"));
            if (bn && t.dtype() == org.vgg4j.core.DType.F32) {
                float[] v = new float[t.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (name.endsWith(".running_var") ? rng.nextDouble(0.3, 2.5)
                            : name.endsWith(".running_mean") ? rng.nextDouble(-1, 1)
                            : name.endsWith(".weight") ? rng.nextDouble(0.5, 1.5) : rng.nextDouble(-0.5, 0.5));
                }
                t = Tensor.wrap(t.shape(), v);
            } else if (bn) {
                t = Tensor.ofLongs(t.shape(), new long[] {17});
            }
            out.put(name, t);
        }
        return Parameters.of(out);
    }

    static Network vgg11bn(int channels, int size) {
        return Vgg.build(VggConfig.torchvision("vgg11_bn", 10).withRatio(8).withInChannels(channels)
                .withImageSize(size));
    }

    /**
     * A vgg4j file with batch norm and an adaptive pool (Einsum at 32, AveragePool at 224, GlobalAveragePool for 1x1)
     * reads back as the same network and parameters (num_batches_tracked included) and predicts the reference's logits.
     */
    @ParameterizedTest(name = "vgg11_bn ratio 8, 3 channels, {0}x{0}, file round trip")
    @org.junit.jupiter.params.provider.ValueSource(ints = {32, 224})
    void aFileReadsBackAsTheSameNetwork(int size, @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        Network net = vgg11bn(3, size);
        Parameters params = bnParameters(net, 8);
        java.nio.file.Path file = dir.resolve("m.onnx");
        org.vgg4j.onnx.OnnxExporter.write(file, net, params, org.vgg4j.onnx.ExportMetadata.forNetwork(net));
        OnnxModelFile model = OnnxModelFile.load(file);
        assertThat(model.network()).isEqualTo(net);
        assertThat(model.parameters().names()).containsExactlyElementsOf(params.names());
        assertThat(model.parameters().maxAbsDiff(params)).isZero();
        assertThat(model.parameters().get("features.1.num_batches_tracked").getLong(0)).isEqualTo(17);

        Tensor images = TestData.images(net.sampleShape().prepend(2), 9);
        Tensor expected = ReferenceForward.logitsTensor(net, params, images);
        try (OnnxSession s = new OnnxBackend(new OnnxRuntimeOptions(1, 16)).open(model, Device.cpu())) {
            assertThat(s.predict(images).maxAbsDiff(expected)).isLessThanOrEqualTo(TOLERANCE);
        }
    }

    @org.junit.jupiter.api.Test
    void globalAndPlainAveragePoolsReadBack(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        Network net = new Network("pools", org.vgg4j.core.layer.Sequential.of(
                new org.vgg4j.core.layer.Conv2d(2, 4, 3, 1, 1), new org.vgg4j.core.layer.BatchNorm2d(4, 1e-3, 0.2),
                new org.vgg4j.core.layer.AvgPool2d(3, 2, 1), new org.vgg4j.core.layer.AdaptiveAvgPool2d(1, 1),
                new org.vgg4j.core.layer.Flatten(), new org.vgg4j.core.layer.Linear(4, 3)),
                org.vgg4j.core.Shape.of(2, 9, 9));
        Parameters params = bnParameters(net, 2);
        java.nio.file.Path file = dir.resolve("pools.onnx");
        org.vgg4j.onnx.OnnxExporter.write(file, net, params, org.vgg4j.onnx.ExportMetadata.forNetwork(net));
        OnnxModelFile model = OnnxModelFile.load(file);
        assertThat(model.network()).isEqualTo(net);
        Tensor images = TestData.images(net.sampleShape().prepend(3), 1);
        Tensor expected = ReferenceForward.logitsTensor(net, params, images);
        assertThat(expected.maxAbs()).isGreaterThan(100 * TOLERANCE);
        try (OnnxSession s = new OnnxBackend().open(model, Device.cpu())) {
            assertThat(s.predict(images).maxAbsDiff(expected)).isLessThanOrEqualTo(TOLERANCE);
        }
    }

    @ParameterizedTest(name = "vgg11_bn ratio 8, {0} channel(s), {1}x{1}")
    @CsvSource({"1, 32", "3, 32", "1, 224", "3, 224"})
    void logitsMatchTheReferencePaddedOrNot(int channels, int size) {
        Network net = vgg11bn(channels, size);
        Parameters params = bnParameters(net, 5);
        Tensor images = TestData.images(net.sampleShape().prepend(2), 6);
        Tensor expected = ReferenceForward.logitsTensor(net, params, images);
        assertThat(expected.maxAbs()).isGreaterThan(100 * TOLERANCE);

        Tensor unpadded;
        try (OnnxSession s = new OnnxBackend(new OnnxRuntimeOptions(1, 0)).open(net, params, Device.cpu())) {
            assertThat(s.paddedConvolutions()).isZero();
            unpadded = s.predict(images);
        }
        assertThat(unpadded.maxAbsDiff(expected)).as("ONNX Runtime vs float64 reference").isLessThanOrEqualTo(TOLERANCE);

        NchwcPadding.Padded padded = NchwcPadding.apply(net, params, 16);
        assertThat(padded.widened()).as("the 8-channel first convolution is widened").isEqualTo(1);
        assertThat(padded.parameters().get("features.1.running_var").toArray()).hasSize(16)
                .startsWith(params.get("features.1.running_var").toArray()).endsWith(1, 1, 1, 1, 1, 1, 1, 1);
        assertThat(padded.parameters().get("features.1.weight").toArray()).endsWith(0, 0, 0, 0, 0, 0, 0, 0);
        assertThat(padded.parameters().get("features.1.running_mean").toArray()).endsWith(0, 0, 0, 0, 0, 0, 0, 0);
        double[] ref = ReferenceForward.logits(padded.network(), padded.parameters(), images);
        double max = 0;
        for (int i = 0; i < ref.length; i++) {
            max = Math.max(max, Math.abs(ref[i] - expected.get(i)));
        }
        assertThat(max).as("padded network in the reference").isLessThanOrEqualTo(1e-5);
        try (OnnxSession s = new OnnxBackend(new OnnxRuntimeOptions(1, 16)).open(net, params, Device.cpu())) {
            assertThat(s.paddedConvolutions()).isEqualTo(1);
            Tensor actual = s.predict(images);
            assertThat(actual.maxAbsDiff(unpadded)).as("padded vs unpadded on ONNX Runtime").isLessThanOrEqualTo(1e-5);
            assertThat(actual.maxAbsDiff(expected)).isLessThanOrEqualTo(TOLERANCE);
        }
        System.out.printf("vgg11_bn r8 %dx%dx%d: max|ref| %.4e, ORT vs ref %.3e%n", channels, size, size,
                expected.maxAbs(), unpadded.maxAbsDiff(expected));
    }
}
