package org.vgg4j.datasets;

import org.vgg4j.core.Vgg4jException;

/**
 * Downloading a data file failed (network error, HTTP error status, corrupt content); nothing of the failed download
 * is left in the cache.
 */
public class DownloadException extends Vgg4jException {
    private static final long serialVersionUID = 1L;

    public DownloadException(String message) {
        super(message);
    }

    public DownloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
