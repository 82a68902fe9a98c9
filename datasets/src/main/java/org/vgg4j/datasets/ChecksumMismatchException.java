package org.vgg4j.datasets;

import org.vgg4j.core.Vgg4jException;

/**
 * The SHA-256 of a decompressed data file differs from the published one; the message names the file, both digests
 * and how to proceed (fetch it again, or turn verification off for a custom data set).
 */
public class ChecksumMismatchException extends Vgg4jException {
    private static final long serialVersionUID = 1L;

    /** The published SHA-256, lowercase hex. */
    private final String expected;
    /** The SHA-256 computed from the file, lowercase hex. */
    private final String actual;

    /**
     * An exception for a file whose digest is {@code actual} instead of {@code expected}.
     *
     * @param message  one line naming the file, both digests and how to proceed
     * @param expected the published SHA-256, lowercase hex
     * @param actual   the SHA-256 computed from the decompressed file, lowercase hex
     */
    public ChecksumMismatchException(String message, String expected, String actual) {
        super(message);
        this.expected = expected;
        this.actual = actual;
    }

    /**
     * The SHA-256 the file should have, lowercase hex.
     *
     * @return 64 hexadecimal characters, as published for the data set
     */
    public String expected() {
        return expected;
    }

    /**
     * The SHA-256 the file has, lowercase hex.
     *
     * @return 64 hexadecimal characters, computed from the decompressed content
     */
    public String actual() {
        return actual;
    }
}
