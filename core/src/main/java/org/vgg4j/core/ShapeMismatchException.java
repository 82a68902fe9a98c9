package org.vgg4j.core;

/**
 * Thrown before any engine sees a tensor whose shape a layer cannot take; names the layer, the expected and the actual
 * shape.
 */
public final class ShapeMismatchException extends Vgg4jException {
    private static final long serialVersionUID = 1L;
    /** The layer's path in the network, or {@code input} for the network's input. */
    private final String layer;
    /** The accepted shape as text, e.g. {@code [N >= 1, 1, 224, 224]}. */
    private final String expected;
    /** The shape that was given. */
    private final Shape actual;

    /**
     * Creates the exception; its message names the layer and both shapes.
     *
     * @param layer    the layer's path in the network, or {@code input} for the network's input
     * @param expected the accepted shape as text, e.g. {@code [N >= 1, 1, 224, 224]}
     * @param actual   the shape that was given
     */
    public ShapeMismatchException(String layer, String expected, Shape actual) {
        super("layer '" + layer + "' expected input " + expected + " but got " + actual);
        this.layer = layer;
        this.expected = expected;
        this.actual = actual;
    }

    /**
     * The layer that refused the shape.
     *
     * @return its path in the network, or {@code input}
     */
    public String layer() {
        return layer;
    }

    /**
     * What the layer accepts.
     *
     * @return the accepted shape as text
     */
    public String expected() {
        return expected;
    }

    /**
     * What it was given.
     *
     * @return the actual shape
     */
    public Shape actual() {
        return actual;
    }
}
