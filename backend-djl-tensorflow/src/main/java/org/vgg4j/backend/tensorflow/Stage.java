package org.vgg4j.backend.tensorflow;

import org.vgg4j.core.Shape;
import org.vgg4j.core.layer.Layer;

/**
 * One step of the compiled forward pass: a core layer (a convolution or linear layer possibly fused with the ReLU that
 * follows it) with its input and output shapes for a batch of one, in NCHW terms.
 *
 * @param kind      what the stage computes
 * @param path      the layer's dotted path, which prefixes its parameter names
 * @param layer     the core layer
 * @param fusedRelu true if the next layer, a ReLU, is computed by this stage's fused kernel
 * @param input     input shape for batch 1 (NCHW or [1, features])
 * @param output    output shape for batch 1
 */
record Stage(Kind kind, String path, Layer layer, boolean fusedRelu, Shape input, Shape output) {

    /** What a stage computes. */
    enum Kind {
        CONV, RELU, MAX_POOL,
        /** A flatten whose consumer reads NHWC feature order (a following linear layer) or of rank-2 input. */
        FLATTEN,
        /** A flatten of image-shaped data that ends the network unconsumed by a linear layer: NCHW feature order. */
        FLATTEN_NCHW,
        LINEAR, DROPOUT,
        /** Batch norm over channels: batch statistics (and a running-statistics update) in training, running ones else. */
        BATCH_NORM,
        /** Average pooling with PyTorch's {@code count_include_pad=True}: zero padding, then a VALID average. */
        AVG_POOL,
        /** Adaptive average pooling: identity, a VALID average for uniform bins, else a fixed averaging matrix. */
        ADAPTIVE_AVG_POOL
    }

    String weight() {
        return path + ".weight";
    }

    String bias() {
        return path + ".bias";
    }

    /** The engine (NHWC) shape of {@code shape} at batch size {@code batch}. */
    static long[] engineShape(Shape shape, int batch) {
        if (shape.rank() == 4) {
            return new long[] {batch, shape.dim(2), shape.dim(3), shape.dim(1)};
        }
        long[] out = shape.toLongArray();
        out[0] = batch;
        return out;
    }
}
