package org.vgg4j.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Parameter groups of a {@link TrainingSpec}: a grouped parameter's rate is the schedule applied to its group's base
 * rate (PyTorch's per-group {@code lr}, for {@code OneCycleLR} its {@code max_lr}), every other parameter keeps the
 * optimizer's, and bad group rates are refused naming the parameter.
 */
class TrainingSpecGroupsTest {

    @Test
    void aGroupedParameterFollowsTheScheduleFromItsOwnBaseRate() {
        LrSchedule oneCycle = LrSchedule.OneCycle.withTotalSteps(10);
        TrainingSpec spec = new TrainingSpec(AdamW.withLearningRate(1e-3), new SoftmaxCrossEntropy(), 1, oneCycle, 0)
                .withGroup(List.of("fc.4.weight", "fc.4.bias"), 1e-2);
        assertThat(spec.hasGroups()).isTrue();
        assertThat(spec.groupLearningRates()).containsExactly(Map.entry("fc.4.weight", 1e-2),
                Map.entry("fc.4.bias", 1e-2));
        for (long t = 1; t <= 12; t++) {
            assertThat(spec.learningRate("fc.4.weight", t)).isEqualTo(oneCycle.learningRate(1e-2, t));
            assertThat(spec.learningRate("fc.1.weight", t)).isEqualTo(oneCycle.learningRate(1e-3, t))
                    .isEqualTo(spec.learningRate(t));
        }
        // the peak of the cycle is each group's max_lr
        assertThat(spec.learningRate("fc.4.bias", 3)).isEqualTo(1e-2);
        assertThat(spec.learningRate("fc.4.weight", 1)).isCloseTo(1e-2 / 25, org.assertj.core.data.Offset.offset(1e-17));
        LrSchedule cosine = new LrSchedule.CosineWarmup(2, 10, 0.1);
        TrainingSpec c = new TrainingSpec(new Sgd(0.1, 0.9, 0), new SoftmaxCrossEntropy(), 1, cosine, 0)
                .withGroup(List.of("head"), 0.5);
        assertThat(c.learningRate("head", 10)).isCloseTo(0.05, org.assertj.core.data.Offset.offset(1e-15));
        assertThat(c.learningRate("body", 10)).isCloseTo(0.01, org.assertj.core.data.Offset.offset(1e-15));
    }

    @Test
    void oneGroupOrAGroupAtTheOptimizersRateIsNoGroupAndBadRatesAreNamed() {
        TrainingSpec plain = TrainingSpec.adam(1e-3, 0);
        assertThat(plain.groupLearningRates()).isEmpty();
        assertThat(plain.hasGroups()).isFalse();
        assertThat(plain.withGroup(List.of("x"), 1e-3).hasGroups()).isFalse();
        assertThat(plain.baseLearningRate("x")).isEqualTo(1e-3);
        for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> plain.withGroup(List.of("classifier.6.weight"), bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the learning rate of parameter classifier.6.weight must be > 0 and finite, got " + bad);
        }
    }
}
