package org.vgg4j.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.param.Initializer;
import org.vgg4j.core.param.ParameterMismatchException;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.testing.TestData;

/** A saved optimizer state is checked against the optimizer and the network before any backend restores it. */
class OptimizerStateTest {
    private final Network net = TestData.tinyVgg(0);
    private final Parameters zeros = Parameters.initialize(net, Initializer.PYTORCH_DEFAULT, 1).map(t -> Tensor.zeros(
            t.shape()));
    private final Adam adam = Adam.withLearningRate(1e-3);

    @Test
    void slotNamesAreFixedByTheRule() {
        assertThat(adam.slotNames()).containsExactly(Adam.EXP_AVG, Adam.EXP_AVG_SQ);
        assertThat(new Sgd(0.1, 0.9, 0).slotNames()).containsExactly(Sgd.MOMENTUM_BUFFER);
        assertThat(new Sgd(0.1, 0, 0).slotNames()).isEmpty();
    }

    @Test
    void aCompleteStateConformsAndTheInitialOneNeedsNoSlots() {
        OptimizerState state = new OptimizerState(3, Map.of(Adam.EXP_AVG, zeros, Adam.EXP_AVG_SQ, zeros));
        assertThat(state.conformTo(adam, net).slots().get(Adam.EXP_AVG).names()).containsExactlyElementsOf(
                zeros.names());
        assertThat(OptimizerState.initial().conformTo(adam, net).slots()).isEmpty();
        // Plain SGD keeps no slots, so a step count alone is a complete state.
        assertThat(new OptimizerState(5, Map.of()).conformTo(new Sgd(0.1, 0, 0), net).step()).isEqualTo(5);
    }

    @Test
    void foreignMissingOrMisshapedSlotsAreNamed() {
        assertThatThrownBy(() -> new OptimizerState(1, Map.of(Sgd.MOMENTUM_BUFFER, zeros)).conformTo(adam, net))
                .isInstanceOf(ParameterMismatchException.class).hasMessageContaining("[momentum_buffer]")
                .hasMessageContaining("do not belong to Adam").hasMessageContaining("[exp_avg, exp_avg_sq]");
        assertThatThrownBy(() -> new OptimizerState(3, Map.of(Adam.EXP_AVG, zeros)).conformTo(adam, net))
                .isInstanceOf(ParameterMismatchException.class)
                .hasMessage("optimizer state after 3 steps lacks Adam's slot 'exp_avg_sq'");
        Map<String, Tensor> wrong = new LinkedHashMap<>(zeros.asMap());
        wrong.put("fc.1.weight", Tensor.zeros(Shape.of(16, 31)));
        assertThatThrownBy(() -> new OptimizerState(1, Map.of(Adam.EXP_AVG, Parameters.of(wrong), Adam.EXP_AVG_SQ,
                zeros)).conformTo(adam, net)).isInstanceOf(ParameterMismatchException.class)
                .hasMessageContaining("slot 'exp_avg'").hasMessageContaining("'fc.1.weight' has shape [16, 31]");
        assertThatThrownBy(() -> new OptimizerState(-1, Map.of()).conformTo(adam, net))
                .hasMessageContaining("negative step count -1");
    }
}
