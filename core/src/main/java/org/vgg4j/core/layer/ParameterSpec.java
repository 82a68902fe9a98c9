package org.vgg4j.core.layer;

import org.vgg4j.core.Shape;

/**
 * One parameter tensor a layer needs: its name, shape, role and the fan-in/fan-out that initializers use.
 *
 * @param name   full name in the network ({@code vgg_block_1.0.weight}) or local name inside a layer ({@code weight})
 * @param shape  tensor shape (OIHW for convolution weights, [out, in] for linear weights)
 * @param role   weight or bias
 * @param owner  the layer that owns it
 * @param fanIn  inputs feeding one output unit
 * @param fanOut outputs fed by one input unit
 */
public record ParameterSpec(String name, Shape shape, Role role, Layer owner, int fanIn, int fanOut) {

    /** What a parameter is for. */
    public enum Role { WEIGHT, BIAS }

    /** This spec renamed to {@code prefix.name}. */
    public ParameterSpec prefixed(String prefix) {
        return new ParameterSpec(prefix.isEmpty() ? name : prefix + "." + name, shape, role, owner, fanIn, fanOut);
    }
}
