package org.vgg4j.datasets.image;

import org.vgg4j.core.Vgg4jException;

/**
 * The only exception {@link ImageDecoder} throws for bad input: a missing, unreadable, empty, corrupt, truncated,
 * unsupported or too large image. Its message is one line that names the image and says what is wrong (and, for
 * {@link Reason#TOO_LARGE}, how to raise the limit); {@link #reason()} classifies it for callers that map errors to
 * exit codes or HTTP statuses.
 */
public class ImageDecodeException extends Vgg4jException {
    private static final long serialVersionUID = 1L;

    /** What is wrong with the input. */
    public enum Reason {
        /** The path does not exist. */
        NOT_FOUND,
        /** The path is a directory (usually a usage mistake). */
        DIRECTORY,
        /** The path exists but is not a regular file (a FIFO, a device). */
        NOT_A_FILE,
        /** The file cannot be read: permission denied or an I/O error. */
        UNREADABLE,
        /** The input has no bytes. */
        EMPTY,
        /** The input is not a PNG, JPEG, GIF or BMP image. */
        NOT_AN_IMAGE,
        /** A valid image of a kind the decoder does not read (e.g. a 12-bit JPEG). */
        UNSUPPORTED,
        /** The image data is corrupt or truncated. */
        CORRUPT,
        /** The image declares more pixels than the decoder's limit (a decompression bomb or a huge image). */
        TOO_LARGE
    }

    /** The image's name, as given to the decoder. */
    private final String source;
    /** What is wrong with the image. */
    private final Reason reason;

    /**
     * An error about {@code source} (a file name or another label of the input).
     *
     * @param source  the path as given, or the label passed with the image's bytes
     * @param reason  what is wrong
     * @param message the whole one-line message, naming {@code source}
     */
    public ImageDecodeException(String source, Reason reason, String message) {
        super(message);
        this.source = source;
        this.reason = reason;
    }

    /**
     * The same, keeping the library exception that revealed the problem (shown only with a debug trace).
     *
     * @param source  the path as given, or the label passed with the image's bytes
     * @param reason  what is wrong
     * @param message the whole one-line message, naming {@code source}
     * @param cause   the exception of the image library or the file system; may be null
     */
    public ImageDecodeException(String source, Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.source = source;
        this.reason = reason;
    }

    /**
     * The image's name: the path given, or the label passed with its bytes.
     *
     * @return the name, as it appears in the message
     */
    public String source() {
        return source;
    }

    /**
     * What is wrong.
     *
     * @return the classification of the error, for mapping it to an exit code or HTTP status
     */
    public Reason reason() {
        return reason;
    }
}
