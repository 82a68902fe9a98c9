package org.vgg4j.datasets;

import org.vgg4j.core.Vgg4jException;

/**
 * The SHA-256 of a decompressed data file differs from the published one; the message names the file, both digests
 * and how to proceed (fetch it again, or turn verification off for a custom data set).
 */
public class ChecksumMismatchException extends Vgg4jException {
    private static final long serialVersionUID = 1L;

    private final String expected;
    private final String actual;

    public ChecksumMismatchException(String message, String expected, String actual) {
        super(message);
        this.expected = expected;
        this.actual = actual;
    }

    /** The SHA-256 the file should have, lowercase hex. */
    public String expected() {
        return expected;
    }

    /** The SHA-256 the file has, lowercase hex. */
    public String actual() {
        return actual;
    }
}
