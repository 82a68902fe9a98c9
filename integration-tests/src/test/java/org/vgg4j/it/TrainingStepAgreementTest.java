package org.vgg4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.core.spi.GradientResult;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.spi.Trainer;
import org.vgg4j.core.testing.TestData;
import org.vgg4j.models.vgg.Vgg;
import org.vgg4j.models.vgg.VggConfig;
import org.vgg4j.models.vgg.VggVariant;

/**
 * Point 3 of the cross-backend proof: with the same parameters, batch and Adam, and dropout off, one training step
 * gives the same loss (1e-5 relative) and gradients (1e-4 of each tensor's largest) on every trainable backend, and
 * after the update the loss on a second batch agrees (1e-4 relative).
 */
class TrainingStepAgreementTest {

    static Stream<Arguments> cases() {
        return BackendsUnderTest.stream().flatMap(b -> Stream.of(VggVariant.VGG11, VggVariant.VGG16)
                .map(v -> Arguments.of(b, Vgg.build(VggConfig.d2l(v).withRatio(8).withImageSize(32).withDropout(0)))));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("cases")
    void oneAdamStepMatchesTheAnchorBackend(Backend backend, Network net) {
        BackendsUnderTest.assumeTrains(backend);
        Backend anchor = BackendsUnderTest.trainingAnchor();
        Parameters params = Models.unitScale(net, 21);
        Tensor x1 = TestData.images(net.sampleShape().prepend(16), 22);
        int[] y1 = TestData.labels(16, 10, 23);
        Tensor x2 = TestData.images(net.sampleShape().prepend(16), 24);
        int[] y2 = TestData.labels(16, 10, 25);
        Outcome expected = run(anchor, net, params, x1, y1, x2, y2);
        Outcome actual = run(backend, net, params, x1, y1, x2, y2);

        double lossRel = Math.abs(actual.gradients().loss() - expected.gradients().loss())
                / Math.abs(expected.gradients().loss());
        AgreementTable.record("step loss (rel)", net.name(), backend.name(), anchor.name(), lossRel, 1e-5);
        assertThat(lossRel).isLessThanOrEqualTo(1e-5);
        double worst = 0;
        for (Map.Entry<String, Tensor> e : expected.gradients().gradients().asMap().entrySet()) {
            Tensor mine = actual.gradients().gradients().get(e.getKey());
            double rel = mine.maxAbsDiff(e.getValue()) / Math.max(1e-12, e.getValue().maxAbs());
            worst = Math.max(worst, rel);
            assertThat(rel).as("gradient of %s", e.getKey()).isLessThanOrEqualTo(1e-4);
        }
        AgreementTable.record("gradients (rel to max)", net.name(), backend.name(), anchor.name(), worst, 1e-4);
        double afterRel = Math.abs(actual.lossAfterUpdate() - expected.lossAfterUpdate())
                / Math.abs(expected.lossAfterUpdate());
        AgreementTable.record("loss after Adam step (rel)", net.name(), backend.name(), anchor.name(), afterRel, 1e-4);
        assertThat(afterRel).isLessThanOrEqualTo(1e-4);
        assertThat(actual.lossAfterUpdate()).isLessThan(actual.gradients().loss() + 1);
    }

    record Outcome(GradientResult gradients, double lossAfterUpdate) {
    }

    private static Outcome run(Backend backend, Network net, Parameters params, Tensor x1, int[] y1, Tensor x2,
            int[] y2) {
        try (Session s = backend.open(net, params, Device.cpu())) {
            Trainer t = s.trainer(TrainingSpec.adam(1e-3, 5));
            GradientResult g = t.gradients(x1, y1);
            t.step(x1, y1);
            return new Outcome(g, t.gradients(x2, y2).loss());
        }
    }
}
