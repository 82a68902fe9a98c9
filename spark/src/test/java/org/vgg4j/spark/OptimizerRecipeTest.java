package org.vgg4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.vgg4j.core.optim.Adam;
import org.vgg4j.core.optim.AdamW;
import org.vgg4j.core.optim.LrSchedule;
import org.vgg4j.core.optim.Sgd;
import org.vgg4j.core.optim.SoftmaxCrossEntropy;
import org.vgg4j.core.optim.TrainingSpec;

/**
 * The recipe rebuilds Adam and SGD specs exactly, and refuses, by name, the settings data-parallel training does not
 * implement (AdamW, Nesterov momentum, schedules, clipping, label smoothing) instead of silently dropping them on the
 * executors.
 */
class OptimizerRecipeTest {
    @Test
    void adamAndSgdRoundTrip() {
        TrainingSpec adam = new TrainingSpec(new Adam(1e-3, 0.8, 0.99, 1e-7, 1e-4), new SoftmaxCrossEntropy(), 5);
        TrainingSpec sgd = new TrainingSpec(new Sgd(0.1, 0.9, 1e-3), new SoftmaxCrossEntropy(), 5);
        assertThat(OptimizerRecipe.of(adam).spec(5)).isEqualTo(adam);
        assertThat(OptimizerRecipe.of(sgd).spec(5)).isEqualTo(sgd);
    }

    @Test
    void unsupportedSettingsAreRefusedByName() {
        SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
        assertThatThrownBy(() -> OptimizerRecipe.of(new TrainingSpec(AdamW.withLearningRate(1e-3), ce, 0)))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("AdamW");
        assertThatThrownBy(() -> OptimizerRecipe.of(new TrainingSpec(new Sgd(0.1, 0.9, 0, true), ce, 0)))
                .hasMessageContaining("Nesterov momentum");
        assertThatThrownBy(() -> OptimizerRecipe.of(new TrainingSpec(Adam.withLearningRate(1e-3), ce, 0,
                LrSchedule.OneCycle.withTotalSteps(10), 0))).hasMessageContaining("learning-rate schedule OneCycle");
        assertThatThrownBy(() -> OptimizerRecipe.of(new TrainingSpec(Adam.withLearningRate(1e-3), ce, 0,
                LrSchedule.constant(), 1))).hasMessageContaining("gradient clipping (clipNorm 1.0)");
        assertThatThrownBy(() -> OptimizerRecipe.of(new TrainingSpec(Adam.withLearningRate(1e-3),
                new SoftmaxCrossEntropy(0.1), 0))).hasMessageContaining("without label smoothing");
        assertThatThrownBy(() -> OptimizerRecipe.of(new TrainingSpec(Adam.withLearningRate(1e-3), ce, 0)
                .withGroup(java.util.List.of("fc.4.weight"), 1e-2)))
                .hasMessageContaining("parameter groups with their own learning rates").hasMessageContaining("fc.4.weight");
        // a group at the optimizer's own rate is one group
        assertThat(OptimizerRecipe.of(new TrainingSpec(Adam.withLearningRate(1e-3), ce, 0)
                .withGroup(java.util.List.of("fc.4.weight"), 1e-3)).adam()).isTrue();
    }
}
