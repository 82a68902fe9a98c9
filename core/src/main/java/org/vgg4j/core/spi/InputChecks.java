package org.vgg4j.core.spi;

import org.vgg4j.core.Network;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.Vgg4jException;

/**
 * The checks every backend runs in core before a tensor reaches its engine, so bad input yields a clear Java
 * exception and never a native crash.
 */
public final class InputChecks {
    private InputChecks() {
    }

    /**
     * Checks that {@code images} is a batch the network takes.
     *
     * @param network the network the batch is for
     * @param images  a batch {@code [N, C, H, W]}
     * @throws org.vgg4j.core.ShapeMismatchException if the shape does not fit the network's input
     */
    public static void checkImages(Network network, Tensor images) {
        network.checkInput(images.shape());
    }

    /**
     * Checks images as above, and that there is one label per image, each in {@code [0, classes)}.
     *
     * @param network the network the batch is for
     * @param images  a batch {@code [N, C, H, W]}
     * @param labels  N class indices; null is an error
     * @throws org.vgg4j.core.ShapeMismatchException if the image shape does not fit the network's input
     * @throws Vgg4jException                        if the label count is wrong or a label is out of range
     */
    public static void checkBatch(Network network, Tensor images, int[] labels) {
        checkImages(network, images);
        if (labels == null || labels.length != images.shape().dim(0)) {
            throw new Vgg4jException("batch of " + images.shape().dim(0) + " images has "
                    + (labels == null ? "no" : labels.length) + " labels");
        }
        int classes = network.numClasses();
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new Vgg4jException("label " + labels[i] + " at position " + i + " is outside [0, " + classes
                        + ") for network '" + network.name() + "'");
            }
        }
    }
}
