package org.vgg4j.datasets;

import org.vgg4j.core.Vgg4jException;

/**
 * Downloading a data file failed (network error, HTTP error status, corrupt content); nothing of the failed download
 * is left in the cache.
 */
public class DownloadException extends Vgg4jException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with the given message.
     *
     * @param message one line naming the URL or file and what failed
     */
    public DownloadException(String message) {
        super(message);
    }

    /**
     * An exception with the given message, caused by {@code cause}.
     *
     * @param message one line naming the URL or file and what failed
     * @param cause   the underlying failure, e.g. an {@link java.io.IOException}; may be null
     */
    public DownloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
