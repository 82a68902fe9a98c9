package org.vgg4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vgg4j.core.Device;
import org.vgg4j.core.LayerNode;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.testing.ReferenceForward;
import org.vgg4j.core.testing.TestData;

/**
 * Points 1 and 2 of the cross-backend proof: for every backend and every VGG, the same per-block output shapes as
 * core's shape inference, and logits within 1e-4 of the plain-Java float64 reference and of every other backend.
 */
class ForwardAgreementTest {
    private static final double TOLERANCE = 1e-4;

    static Stream<Arguments> models() {
        return Models.vggFamily().stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void everyBackendComputesTheSameLogits(Network net) {
        Parameters params = Models.unitScale(net, 11);
        Tensor images = TestData.images(net.sampleShape().prepend(2), 12);
        Tensor reference = ReferenceForward.logitsTensor(net, params, images);
        Tensor first = null;
        String firstName = null;
        assertThat(BackendsUnderTest.all()).hasSizeGreaterThanOrEqualTo(2);
        for (Backend backend : BackendsUnderTest.all()) {
            Tensor logits;
            try (Session s = backend.open(net, params, Device.cpu())) {
                logits = s.predict(images);
            }
            assertThat(logits.shape()).isEqualTo(Shape.of(2, 10));
            double diff = logits.maxAbsDiff(reference);
            AgreementTable.record(String.format(java.util.Locale.ROOT, "logits (largest logit %.2g)",
                    reference.maxAbs()), net.name(), backend.name(), "reference (float64)", diff, TOLERANCE);
            assertThat(diff).as("%s vs reference on %s", backend.name(), net.name()).isLessThanOrEqualTo(TOLERANCE);
            if (first == null) {
                first = logits;
                firstName = backend.name();
            } else {
                double pair = logits.maxAbsDiff(first);
                AgreementTable.record("logits", net.name(), backend.name(), firstName, pair, TOLERANCE);
                assertThat(pair).isLessThanOrEqualTo(TOLERANCE);
            }
        }
    }

    @Test
    void everyBackendProducesTheShapeTableBlockByBlock() {
        Network net = Models.vggFamily().get(0);
        Parameters params = Models.unitScale(net, 3);
        List<LayerNode> table = net.shapeTable(3);
        Tensor images = TestData.images(net.sampleShape().prepend(3), 4);
        for (int blocks = 1; blocks <= table.size(); blocks++) {
            Network prefix = Models.prefix(net, blocks);
            Parameters prefixParams = Parameters.of(params.asMap().entrySet().stream()
                    .filter(e -> prefix.parameterSpecs().stream().anyMatch(p -> p.name().equals(e.getKey())))
                    .collect(java.util.stream.Collectors.toMap(java.util.Map.Entry::getKey,
                            java.util.Map.Entry::getValue, (a, b) -> a, java.util.LinkedHashMap::new)));
            Tensor reference = ReferenceForward.logitsTensor(prefix, prefixParams, images);
            for (Backend backend : BackendsUnderTest.all()) {
                try (Session s = backend.open(prefix, prefixParams, Device.cpu())) {
                    Tensor out = s.predict(images);
                    assertThat(out.shape()).as("%s after %s", backend.name(), table.get(blocks - 1).path())
                            .isEqualTo(table.get(blocks - 1).outputShape());
                    double diff = out.maxAbsDiff(reference);
                    AgreementTable.record("output of " + table.get(blocks - 1).path(), net.name(), backend.name(),
                            "reference (float64)", diff, TOLERANCE);
                    assertThat(diff).isLessThanOrEqualTo(TOLERANCE);
                }
            }
        }
    }
}
