package org.vgg4j.core;

import org.vgg4j.core.layer.Layer;

/**
 * A layer together with its dotted path in a network ({@code vgg_block_1.0}) and the output shape it produces.
 *
 * @param path        dotted path, as in PyTorch's {@code named_modules()}
 * @param layer       the layer spec
 * @param outputShape its output shape for the batch size it was computed for
 */
public record LayerNode(String path, Layer layer, Shape outputShape) {
}
