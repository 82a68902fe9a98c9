package org.vgg4j.core;

/**
 * A kind of layer that a backend (or another consumer of networks, such as an exporter) cannot run yet; its one-line
 * message names the layer and the backend, e.g. {@code BatchNorm2d is not supported by the onnx backend yet}.
 */
public class UnsupportedLayerException extends Vgg4jException {

    /**
     * @param layer   the kind of layer, as its record is named ({@code BatchNorm2d})
     * @param backend who cannot run it ({@code tensorflow}, {@code onnx}, {@code onnx-export})
     */
    public UnsupportedLayerException(String layer, String backend) {
        super(layer + " is not supported by the " + backend + " backend yet");
    }
}
