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

    /**
     * The operation on a convolution.
     *
     * @param layer the layer being visited
     * @return the operation's result for it
     */
    R conv2d(Conv2d layer);

    /**
     * The operation on a ReLU.
     *
     * @param layer the layer being visited
     * @return the operation's result for it
     */
    R relu(Relu layer);

    /**
     * The operation on a max pooling.
     *
     * @param layer the layer being visited
     * @return the operation's result for it
     */
    R maxPool2d(MaxPool2d layer);

    /**
     * The operation on a flatten.
     *
     * @param layer the layer being visited
     * @return the operation's result for it
     */
    R flatten(Flatten layer);

    /**
     * The operation on a fully connected layer.
     *
     * @param layer the layer being visited
     * @return the operation's result for it
     */
    R linear(Linear layer);

    /**
     * The operation on a dropout.
     *
     * @param layer the layer being visited
     * @return the operation's result for it
     */
    R dropout(Dropout layer);

    /**
     * The operation on a batch normalisation.
     *
     * @param layer the layer being visited
     * @return the operation's result for it
     */
    R batchNorm2d(BatchNorm2d layer);

    /**
     * The operation on an adaptive average pooling.
     *
     * @param layer the layer being visited
     * @return the operation's result for it
     */
    R adaptiveAvgPool2d(AdaptiveAvgPool2d layer);

    /**
     * The operation on an average pooling.
     *
     * @param layer the layer being visited
     * @return the operation's result for it
     */
    R avgPool2d(AvgPool2d layer);

    /**
     * A container; visitors of leaves never meet one, and by default refuse it.
     *
     * @param layer the container being visited
     * @return the operation's result for it (the default never returns)
     * @throws IllegalStateException by default, naming the visitor and the container's children
     */
    default R sequential(Sequential layer) {
        throw new IllegalStateException(getClass().getName() + " visits leaf layers only, not a container: "
                + layer.describe() + " with children " + layer.children().stream().map(Sequential.Child::name)
                .toList());
    }
}
