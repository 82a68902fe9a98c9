package org.vgg4j.core.spi;

import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Parameters;

/**
 * A network loaded on an engine and device; owns native memory until {@link #close()}, and is not thread-safe.
 */
public interface Session extends AutoCloseable {

    /**
     * The network this session runs.
     *
     * @return the network given to {@link Backend#open}
     */
    Network network();

    /**
     * The device actually used ({@code auto} resolved).
     *
     * @return a concrete {@code cpu} or {@code gpu:N} device, never {@code auto}
     */
    Device device();

    /**
     * Logits {@code [N, classes]} for a batch {@code [N, C, H, W]}, in inference mode (dropout off).
     *
     * @param images a batch {@code [N, C, H, W]} of the network's input shape
     * @return new logits {@code [N, classes]} on the host
     * @throws org.vgg4j.core.ShapeMismatchException before the engine is called if the input does not fit
     */
    Tensor predict(Tensor images);

    /**
     * A host copy of the current parameters, named like PyTorch's {@code state_dict}.
     *
     * @return the parameters and buffers in the network's order; later training does not change them
     */
    Parameters parameters();

    /**
     * Replaces the weights, after checking {@code parameters} against the network.
     *
     * @param parameters every parameter and buffer of the network
     * @throws org.vgg4j.core.param.ParameterMismatchException if a tensor is missing, extra or misshaped
     */
    void loadParameters(Parameters parameters);

    /**
     * A trainer that updates this session's weights.
     *
     * @param spec the optimizer, loss and dropout seed
     * @return a trainer, which the caller must close
     * @throws UnsupportedOperationException with the reason, if {@link Capabilities#training()} is false
     */
    Trainer trainer(TrainingSpec spec);

    /** Frees every native resource; the session is unusable afterwards. */
    @Override
    void close();
}
