package org.vgg4j.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.testing.ReferenceForward;
import org.vgg4j.core.testing.TestData;
import org.vgg4j.models.vgg.Vgg;
import org.vgg4j.models.vgg.VggConfig;
import org.vgg4j.models.vgg.VggVariant;

/**
 * The ONNX backend's logits equal the plain-Java float64 reference forward pass for every VGG depth, narrow (ratio 8)
 * and full width (ratio 1), at 32x32 with dropout in the network (the export must drop it).
 */
class OnnxLogitsMatchReferenceTest {
    private static final double TOLERANCE = 1e-4;
    private static final List<String> ROWS = new ArrayList<>();
    private static OnnxBackend backend;

    @BeforeAll
    static void setUp() {
        backend = new OnnxBackend();
    }

    @AfterAll
    static void printTable() {
        System.out.println();
        System.out.println("ONNX Runtime vs ReferenceForward (float64), 1x32x32 inputs, He-uniform weights and non-zero biases");
        System.out.println(String.format("%-10s %5s %5s %12s %12s %12s", "model", "ratio", "batch", "params",
                "max|ref|", "max|diff|"));
        ROWS.forEach(System.out::println);
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (VggVariant v : VggVariant.values()) {
            out.add(Arguments.of(v, 8, 4));
        }
        for (VggVariant v : VggVariant.values()) {
            out.add(Arguments.of(v, 1, v == VggVariant.VGG19 || v == VggVariant.VGG16 ? 1 : 2));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} ratio {1} batch {2}")
    @MethodSource("cases")
    void logitsMatchReference(VggVariant variant, int ratio, int batch) {
        Network network = Vgg.build(VggConfig.d2l(variant).withRatio(ratio).withImageSize(32));
        Parameters params = TestData.heUniform(network, 7);
        Tensor images = TestData.images(network.sampleShape().prepend(batch), 11);

        Tensor expected = ReferenceForward.logitsTensor(network, params, images);
        Tensor actual;
        try (OnnxSession session = backend.open(network, params, Device.cpu())) {
            actual = session.predict(images);
        }
        double diff = actual.maxAbsDiff(expected);
        ROWS.add(String.format("%-10s %5d %5d %12d %12.4e %12.3e", variant.id(), ratio, batch,
                network.parameterCount(), expected.maxAbs(), diff));

        assertThat(actual.shape()).isEqualTo(expected.shape());
        // The logits must be far from zero for the tolerance to mean anything.
        assertThat(expected.maxAbs()).isGreaterThan(100 * TOLERANCE);
        assertThat(diff).isLessThanOrEqualTo(TOLERANCE);
    }
}
