package org.vgg4j.core.spi;

import org.vgg4j.core.Tensor;
import org.vgg4j.core.optim.OptimizerState;
import org.vgg4j.core.param.Parameters;

/**
 * Runs training steps on its session's weights: forward in training mode (dropout active), loss, backward, update;
 * owns its optimizer's state (native memory on an engine) until {@link #close()}.
 *
 * <p>Every call checks its inputs in core (shapes, label count and range) before the engine sees them, and releases
 * the native memory of the step before returning, so memory stays flat over a long run. Gradients and optimizer state
 * cover the network's trainable parameters ({@link org.vgg4j.core.Network#trainableSpecs()}); buffers have neither.
 * Closing the session closes its trainers too; a closed trainer refuses every call.
 */
public interface Trainer extends AutoCloseable {

    /**
     * One optimizer step on a batch; returns the batch's mean loss and accuracy before the update.
     *
     * @param images a batch {@code [N, C, H, W]} of the network's input shape
     * @param labels N class indices in [0, classes)
     * @return the loss and correct count of the forward pass (dropout active)
     */
    StepResult step(Tensor images, int[] labels);

    /**
     * Loss and gradients of one batch in training mode without updating anything (for checks across backends).
     *
     * @param images a batch {@code [N, C, H, W]} of the network's input shape
     * @param labels N class indices in [0, classes)
     * @return the batch's loss and one gradient tensor per trainable parameter
     */
    GradientResult gradients(Tensor images, int[] labels);

    /**
     * One optimizer update from gradients computed elsewhere (by {@link #gradients} on other sessions, summed by a
     * data-parallel driver), exactly as {@link #step} would apply them: the same update rule, step count and optimizer
     * state. {@code gradients} must hold one tensor per trainable parameter ({@link Parameters#conformToTrainable});
     * nothing changes if they do not fit.
     *
     * @param gradients one gradient tensor per trainable parameter, named like it
     * @throws UnsupportedOperationException if this backend's trainer cannot apply given gradients
     * @throws org.vgg4j.core.param.ParameterMismatchException naming every missing, extra or misshaped tensor
     */
    default void applyGradients(Parameters gradients) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot apply given gradients");
    }

    /**
     * A snapshot of the optimizer's state, to checkpoint.
     *
     * @return a host copy of the step count and slots; later steps do not change it
     */
    OptimizerState optimizerState();

    /**
     * Restores a snapshot taken by {@link #optimizerState()}, possibly on another backend.
     *
     * @param state the snapshot; its slots must fit this trainer's optimizer and network
     */
    void restoreOptimizerState(OptimizerState state);

    /** Frees the optimizer's state; the session and its weights stay usable. Idempotent. */
    @Override
    void close();
}
