package org.vgg4j.datasets;

import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives download progress: called from the downloading thread as bytes arrive (often; implementations should
 * throttle what they show).
 */
@FunctionalInterface
public interface DownloadListener {

    /**
     * Progress of one file.
     *
     * @param url        what is being downloaded
     * @param bytesSoFar bytes received so far
     * @param totalBytes the announced size, or -1 when the server did not say
     */
    void progress(URI url, long bytesSoFar, long totalBytes);

    /**
     * A listener that ignores progress.
     *
     * @return a listener whose {@link #progress} does nothing
     */
    static DownloadListener none() {
        return (url, soFar, total) -> { };
    }

    /**
     * A listener that logs through SLF4J at INFO level at every further 10% (or 4 MiB when the size is unknown).
     *
     * @return a new listener, logging as {@link Downloader}'s logger; it keeps state, so use it for one download at
     *         a time
     */
    static DownloadListener logging() {
        Logger log = LoggerFactory.getLogger(Downloader.class);
        return new DownloadListener() {
            private URI current;
            private long lastStep = -1;

            @Override
            public void progress(URI url, long soFar, long total) {
                if (!url.equals(current)) {
                    current = url;
                    lastStep = -1;
                }
                long step = total > 0 ? soFar * 10 / total : soFar >> 22;
                if (step != lastStep) {
                    lastStep = step;
                    if (total > 0) {
                        log.info("{}: {} of {} KiB ({}%)", url, soFar >> 10, total >> 10, soFar * 100 / total);
                    } else {
                        log.info("{}: {} KiB", url, soFar >> 10);
                    }
                }
            }
        };
    }
}
