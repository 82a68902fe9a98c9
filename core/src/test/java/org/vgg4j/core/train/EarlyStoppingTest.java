package org.vgg4j.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vgg4j.core.config.EarlyStoppingConfig;

/** The early-stopping rule on made-up metric sequences: when it improves, when it stops, and its settings' ranges. */
class EarlyStoppingTest {

    private static List<EpochMetrics> accuracies(double... values) {
        List<EpochMetrics> out = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            out.add(new EpochMetrics(i + 1, 1.0, 0.5, 1.0, values[i], 1, 10));
        }
        return out;
    }

    private static List<EpochMetrics> losses(double... values) {
        List<EpochMetrics> out = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            out.add(new EpochMetrics(i + 1, 1.0, 0.5, values[i], 0.5, 1, 10));
        }
        return out;
    }

    /** The 1-based epoch after which the rule stops a run of these epochs, or 0 if it never does. */
    private static int stopEpoch(EarlyStoppingConfig config, List<EpochMetrics> epochs) {
        EarlyStopping s = EarlyStopping.start(config);
        for (EpochMetrics m : epochs) {
            s = s.after(m);
            if (s.shouldStop()) {
                return m.epoch();
            }
        }
        return 0;
    }

    @Test
    void accuracyStopsAfterPatienceEpochsWithoutAStrictImprovement() {
        EarlyStoppingConfig p2 = new EarlyStoppingConfig(2, "val-accuracy", 0);
        // 0.7 at epoch 3 equals the best: not an improvement, so epochs 3 and 4 make two without one.
        assertThat(stopEpoch(p2, accuracies(0.5, 0.7, 0.7, 0.6, 0.9))).isEqualTo(4);
        EarlyStopping s = EarlyStopping.replay(p2, accuracies(0.5, 0.7, 0.7, 0.6));
        assertThat(s.bestEpoch()).isEqualTo(2);
        assertThat(s.bestValue()).isEqualTo(0.7);
        assertThat(s.epochsSinceBest()).isEqualTo(2);
        assertThat(s.reason()).isEqualTo("val-accuracy did not improve by more than 0.0 for 2 epochs (best 0.7000 at "
                + "epoch 2)");
        // An improvement resets the count.
        assertThat(stopEpoch(p2, accuracies(0.5, 0.6, 0.55, 0.65, 0.6, 0.7, 0.69, 0.68))).isEqualTo(8);
        assertThat(stopEpoch(p2, accuracies(0.5, 0.6, 0.7, 0.8))).isZero();
        assertThat(stopEpoch(new EarlyStoppingConfig(1, "val-accuracy", 0), accuracies(0.5, 0.4))).isEqualTo(2);
    }

    @Test
    void minDeltaIsTheLeastImprovementThatCountsAndOnlyAnImprovementMovesTheBest() {
        EarlyStoppingConfig d = new EarlyStoppingConfig(2, "val-accuracy", 0.05);
        // 0.53 beats 0.5 by 0.03, not enough; 0.56 beats it by 0.06 > 0.05, an improvement.
        EarlyStopping s = EarlyStopping.replay(d, accuracies(0.5, 0.53));
        assertThat(s.bestEpoch()).isEqualTo(1);
        assertThat(s.bestValue()).isEqualTo(0.5);
        assertThat(s.epochsSinceBest()).isEqualTo(1);
        s = s.after(accuracies(0.5, 0.53, 0.56).get(2));
        assertThat(s.bestEpoch()).isEqualTo(3);
        assertThat(s.atBest()).isTrue();
        // Small steps up that never beat the best by more than 0.05 stop the run, and the best stays at epoch 1.
        assertThat(stopEpoch(d, accuracies(0.5, 0.54, 0.545))).isEqualTo(3);
        assertThat(EarlyStopping.replay(d, accuracies(0.5, 0.54, 0.545)).bestEpoch()).isEqualTo(1);
        // A delta of 1 can never be beaten by an accuracy: the run stops after 1 + patience epochs.
        assertThat(stopEpoch(new EarlyStoppingConfig(3, "val-accuracy", 1), accuracies(0, 0.5, 0.9, 1.0)))
                .isEqualTo(4);
    }

    @Test
    void lossMustGoDown() {
        EarlyStoppingConfig l = new EarlyStoppingConfig(2, "val-loss", 0.01);
        assertThat(stopEpoch(l, losses(2.3, 1.0, 0.5, 0.4))).isZero();
        assertThat(stopEpoch(l, losses(2.3, 1.0, 0.995, 1.2))).isEqualTo(4);
        EarlyStopping s = EarlyStopping.replay(l, losses(2.3, 1.0, 0.995, 1.2));
        assertThat(s.bestEpoch()).isEqualTo(2);
        assertThat(s.bestValue()).isEqualTo(1.0);
        assertThat(s.value(losses(0.25).get(0))).isEqualTo(0.25);
        // The loss rule looks at the loss only: accuracies going up do not help.
        assertThat(stopEpoch(l, accuracies(0.1, 0.2, 0.3))).isEqualTo(3);
    }

    @Test
    void nanIsNeverAnImprovementAndNothingIsBestBeforeANumber() {
        EarlyStoppingConfig p2 = new EarlyStoppingConfig(2, "val-accuracy", 0);
        EarlyStopping s = EarlyStopping.start(p2);
        assertThat(s.bestEpoch()).isZero();
        assertThat(s.atBest()).isFalse();
        assertThat(s.describeBest()).isEqualTo("none");
        s = s.after(accuracies(Double.NaN).get(0));
        assertThat(s.bestEpoch()).isZero();
        assertThat(s.epochsSinceBest()).isEqualTo(1);
        assertThat(s.improves(0.0)).isTrue();
        assertThat(stopEpoch(p2, accuracies(0.5, Double.NaN, Double.NaN))).isEqualTo(3);
    }

    @Test
    void offNeverStopsAndReplayEqualsStepByStep() {
        List<EpochMetrics> down = accuracies(0.9, 0.8, 0.7, 0.6, 0.5);
        assertThat(stopEpoch(EarlyStoppingConfig.off(), down)).isZero();
        EarlyStoppingConfig p3 = new EarlyStoppingConfig(3, "val-accuracy", 0);
        EarlyStopping stepwise = EarlyStopping.start(p3);
        for (int i = 0; i < down.size(); i++) {
            stepwise = stepwise.after(down.get(i));
            assertThat(EarlyStopping.replay(p3, down.subList(0, i + 1))).isEqualTo(stepwise);
        }
        assertThat(stepwise.shouldStop()).isTrue();
    }

    @Test
    void settingsAreRangeChecked() {
        assertThat(EarlyStoppingConfig.off().enabled()).isFalse();
        assertThat(new EarlyStoppingConfig(1, "val-loss", 0).higherIsBetter()).isFalse();
        assertThatThrownBy(() -> new EarlyStoppingConfig(-1, "val-loss", 0))
                .hasMessage("training.earlyStopping.patience must be >= 0, got -1");
        assertThatThrownBy(() -> new EarlyStoppingConfig(1, "accuracy", 0))
                .hasMessage("training.earlyStopping.metric must be one of [val-accuracy, val-loss], got 'accuracy'");
        assertThatThrownBy(() -> new EarlyStoppingConfig(1, "val-loss", -0.1))
                .hasMessage("training.earlyStopping.minDelta must be >= 0 and <= 1, got -0.1");
        assertThatThrownBy(() -> new EarlyStoppingConfig(1, "val-loss", Double.NaN))
                .hasMessageContaining("minDelta must be >= 0 and <= 1, got NaN");
        assertThatThrownBy(() -> new EarlyStoppingConfig(1, null, 0)).hasMessageContaining("metric is missing");
    }
}
