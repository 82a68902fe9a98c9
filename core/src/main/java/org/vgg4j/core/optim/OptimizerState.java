package org.vgg4j.core.optim;

import java.util.Map;
import org.vgg4j.core.param.Parameters;

/**
 * A snapshot of an optimizer's state, enough to resume training exactly: the number of steps taken and, per state slot
 * (e.g. {@code exp_avg}), one tensor per trainable parameter under the parameter's name (buffers have no optimizer
 * state).
 *
 * @param step  number of update steps taken so far
 * @param slots slot name to per-parameter tensors
 */
public record OptimizerState(long step, Map<String, Parameters> slots) {

    public OptimizerState {
        slots = Map.copyOf(slots);
    }

    /** The state before the first step. */
    public static OptimizerState initial() {
        return new OptimizerState(0, Map.of());
    }
}
