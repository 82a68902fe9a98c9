package org.vgg4j.core.layer;

import java.util.Objects;
import org.vgg4j.core.DType;
import org.vgg4j.core.Shape;

/**
 * One tensor of a layer's state, named as in PyTorch's {@code state_dict}: either a trainable parameter (PyTorch's
 * {@code nn.Parameter}, which has a gradient and optimizer state) or a buffer (PyTorch's {@code register_buffer}, such
 * as batch norm's running statistics: saved and loaded with the weights, never given a gradient or optimizer state).
 *
 * @param name      full name in the network ({@code vgg_block_1.0.weight}) or local name inside a layer ({@code weight})
 * @param shape     tensor shape (OIHW for convolution weights, [out, in] for linear weights)
 * @param dtype     element type: {@link DType#F32} for parameters; buffers may be {@link DType#I64}
 * @param trainable true for a parameter, false for a buffer
 * @param init      how the tensor is drawn under each initialisation scheme
 */
public record ParameterSpec(String name, Shape shape, DType dtype, boolean trainable, Initialization init) {

    /**
     * Checks the fields.
     *
     * @param name      full or local name, not null
     * @param shape     tensor shape, not null
     * @param dtype     element type, not null; must be {@link DType#F32} if {@code trainable}
     * @param trainable true for a parameter, false for a buffer
     * @param init      how the tensor is drawn, not null
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if a trainable parameter is not F32
     */
    public ParameterSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(init, "init");
        if (trainable && dtype != DType.F32) {
            throw new IllegalArgumentException("trainable parameter '" + name + "' must be F32, not " + dtype);
        }
    }

    /**
     * A trainable float32 parameter.
     *
     * @param name  local name inside the layer, e.g. {@code weight}
     * @param shape tensor shape
     * @param init  how it is drawn under each scheme
     * @return the spec
     */
    public static ParameterSpec parameter(String name, Shape shape, Initialization init) {
        return new ParameterSpec(name, shape, DType.F32, true, init);
    }

    /**
     * A buffer: state that is saved and loaded but not trained.
     *
     * @param name  local name inside the layer, e.g. {@code running_mean}
     * @param shape tensor shape ({@code []} for a scalar such as {@code num_batches_tracked})
     * @param dtype {@link DType#F32} or {@link DType#I64}
     * @param init  its initial value under each scheme
     * @return the spec
     */
    public static ParameterSpec buffer(String name, Shape shape, DType dtype, Initialization init) {
        return new ParameterSpec(name, shape, dtype, false, init);
    }

    /**
     * This spec renamed to {@code prefix.name}.
     *
     * @param prefix the dotted path of the owning layer, e.g. {@code vgg_block_1.0}; {@code ""} keeps the name
     * @return a copy differing only in its name
     */
    public ParameterSpec prefixed(String prefix) {
        return new ParameterSpec(prefix.isEmpty() ? name : prefix + "." + name, shape, dtype, trainable, init);
    }
}
