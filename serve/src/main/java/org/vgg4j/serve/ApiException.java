package org.vgg4j.serve;

/**
 * A request the server answers with an error status and the protocol's JSON error body {@code {"error": message}}:
 * 4xx for the client's mistakes (malformed JSON, wrong shape or datatype, unknown model, undecodable or oversized
 * image, body too large, wrong method) and 503 when the server cannot take the request now (queue full, timed out,
 * shutting down).
 */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** HTTP status of a request that is malformed or does not fit the model (shape, datatype, image). */
    public static final int BAD_REQUEST = 400;
    /** HTTP status of an unknown model or route. */
    public static final int NOT_FOUND = 404;
    /** HTTP status of a body over the size limit, or an image over the pixel limit. */
    public static final int CONTENT_TOO_LARGE = 413;
    /** HTTP status when the server cannot take the request now. */
    public static final int UNAVAILABLE = 503;

    /** The HTTP status code of the answer. */
    private final int status;

    /**
     * An error answered with {@code status} and {@code message}.
     *
     * @param status  the HTTP status code
     * @param message what was wrong, for the {@code error} field
     */
    public ApiException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    /**
     * The HTTP status code.
     *
     * @return the status, e.g. 400
     */
    public int status() {
        return status;
    }
}
