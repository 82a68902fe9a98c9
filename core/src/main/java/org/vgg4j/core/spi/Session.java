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

    Network network();

    /** The device actually used ({@code auto} resolved). */
    Device device();

    /**
     * Logits {@code [N, classes]} for a batch {@code [N, C, H, W]}, in inference mode (dropout off).
     *
     * @throws org.vgg4j.core.ShapeMismatchException before the engine is called if the input does not fit
     */
    Tensor predict(Tensor images);

    /** A host copy of the current parameters, named like PyTorch's {@code state_dict}. */
    Parameters parameters();

    /** Replaces the weights, after checking {@code parameters} against the network. */
    void loadParameters(Parameters parameters);

    /**
     * A trainer that updates this session's weights.
     *
     * @throws UnsupportedOperationException with the reason, if {@link Capabilities#training()} is false
     */
    Trainer trainer(TrainingSpec spec);

    /** Frees every native resource; the session is unusable afterwards. */
    @Override
    void close();
}
