package org.vgg4j.core.layer;

/**
 * An operation defined for every kind of layer, one method per {@link Layer} record, called through
 * {@link Layer#accept}: a new kind of layer adds a method here, and the compiler then lists every visitor (every
 * backend's compiler, the ONNX exporter, the reference forward pass, the benchmark's layer list) that must handle it.
 *
 * <p>Most visitors walk {@link org.vgg4j.core.Network#leaves}, which never yields a container; for them
 * {@link #sequential} keeps its default, which refuses the container.
 *
 * @param <R> what the operation returns for one layer
 */
public interface LayerVisitor<R> {

    R conv2d(Conv2d layer);

    R relu(Relu layer);

    R maxPool2d(MaxPool2d layer);

    R flatten(Flatten layer);

    R linear(Linear layer);

    R dropout(Dropout layer);

    R batchNorm2d(BatchNorm2d layer);

    R adaptiveAvgPool2d(AdaptiveAvgPool2d layer);

    R avgPool2d(AvgPool2d layer);

    /** A container; visitors of leaves never meet one, and by default refuse it. */
    default R sequential(Sequential layer) {
        throw new IllegalStateException(getClass().getName() + " visits leaf layers only, not a container: "
                + layer.describe() + " with children " + layer.children().stream().map(Sequential.Child::name)
                .toList());
    }
}
