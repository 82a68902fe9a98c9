package org.vgg4j.core.spi;

import org.vgg4j.core.Tensor;
import org.vgg4j.core.optim.OptimizerState;

/**
 * Runs training steps on its session's weights: forward in training mode (dropout active), loss, backward, update.
 *
 * <p>Every call checks its inputs in core (shapes, label count and range) before the engine sees them, and releases
 * the native memory of the step before returning, so memory stays flat over a long run.
 */
public interface Trainer {

    /** One optimizer step on a batch; returns the batch's mean loss and accuracy before the update. */
    StepResult step(Tensor images, int[] labels);

    /** Loss and gradients of one batch in training mode without updating anything (for checks across backends). */
    GradientResult gradients(Tensor images, int[] labels);

    /** A snapshot of the optimizer's state, to checkpoint. */
    OptimizerState optimizerState();

    /** Restores a snapshot taken by {@link #optimizerState()}, possibly on another backend. */
    void restoreOptimizerState(OptimizerState state);
}
