package org.vgg4j.core;

/**
 * Thrown before any engine sees a tensor whose shape a layer cannot take; names the layer, the expected and the actual
 * shape.
 */
public final class ShapeMismatchException extends Vgg4jException {
    private static final long serialVersionUID = 1L;
    private final String layer;
    private final String expected;
    private final Shape actual;

    public ShapeMismatchException(String layer, String expected, Shape actual) {
        super("layer '" + layer + "' expected input " + expected + " but got " + actual);
        this.layer = layer;
        this.expected = expected;
        this.actual = actual;
    }

    public String layer() {
        return layer;
    }

    public String expected() {
        return expected;
    }

    public Shape actual() {
        return actual;
    }
}
