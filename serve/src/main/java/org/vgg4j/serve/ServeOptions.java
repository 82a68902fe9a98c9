package org.vgg4j.serve;

/**
 * The settings of a {@link ModelServer}, checked when built: where it listens, how it batches, and the limits that
 * keep one client from exhausting it.
 *
 * @param host           address to bind, e.g. {@code 127.0.0.1} (loopback only) or {@code 0.0.0.0}
 * @param port           TCP port; 0 picks a free one ({@link ModelServer#port()} tells which)
 * @param maxBatch       most images one engine call combines from concurrent requests (1 turns batching off)
 * @param maxDelayMs     longest a request waits for others to join its batch, in milliseconds
 * @param maxQueue       most images waiting per model; a request that would exceed it is refused with 503
 * @param maxBodyBytes   largest request body accepted; a larger one is refused with 413 before it is read whole
 * @param maxPixels      largest image accepted, width times height, read from the image header before decoding
 * @param timeoutMs      longest a request may take from arrival to answer (and the idle timeout of a connection)
 * @param drainTimeoutMs on shutdown, the longest to wait for the requests in flight
 */
public record ServeOptions(String host, int port, int maxBatch, int maxDelayMs, int maxQueue, long maxBodyBytes,
        long maxPixels, int timeoutMs, int drainTimeoutMs) {

    /** Default {@link #maxBatch()}. */
    public static final int DEFAULT_MAX_BATCH = 32;
    /** Default {@link #maxDelayMs()}. */
    public static final int DEFAULT_MAX_DELAY_MS = 5;
    /** Default {@link #maxQueue()}. */
    public static final int DEFAULT_MAX_QUEUE = 1024;
    /** Default {@link #maxBodyBytes()}: 16 MiB, room for a batch of 32 images of 224x224 as JSON. */
    public static final long DEFAULT_MAX_BODY_BYTES = 16L << 20;
    /** Default {@link #maxPixels()}: 16 megapixels (a 4096 x 4096 image). */
    public static final long DEFAULT_MAX_PIXELS = 16L << 20;
    /** Default {@link #timeoutMs()}. */
    public static final int DEFAULT_TIMEOUT_MS = 30_000;
    /** Default {@link #drainTimeoutMs()}. */
    public static final int DEFAULT_DRAIN_TIMEOUT_MS = 30_000;

    /**
     * Checks every value.
     *
     * @param host           address to bind
     * @param port           TCP port, 0 for any free one
     * @param maxBatch       most images per engine call
     * @param maxDelayMs     longest wait for a batch to fill
     * @param maxQueue       most images waiting per model
     * @param maxBodyBytes   largest request body
     * @param maxPixels      largest image, width times height
     * @param timeoutMs      longest time to answer a request
     * @param drainTimeoutMs longest wait for the requests in flight on shutdown
     * @throws IllegalArgumentException naming the first value out of range, its range and the value given
     */
    public ServeOptions {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host (--host) is empty");
        }
        require(port >= 0 && port <= 65535, "port (--port)", "0..65535", port);
        require(maxBatch >= 1, "maxBatch (--max-batch)", ">= 1", maxBatch);
        require(maxDelayMs >= 0, "maxDelayMs (--max-delay-ms)", ">= 0", maxDelayMs);
        require(maxQueue >= 1, "maxQueue (--max-queue)", ">= 1", maxQueue);
        require(maxBodyBytes >= 1024, "maxBodyBytes (--max-body-bytes)", ">= 1024", maxBodyBytes);
        require(maxPixels >= 1, "maxPixels (--max-pixels)", ">= 1", maxPixels);
        require(timeoutMs >= 1, "timeoutMs (--timeout-ms)", ">= 1", timeoutMs);
        require(drainTimeoutMs >= 0, "drainTimeoutMs (--drain-timeout-ms)", ">= 0", drainTimeoutMs);
    }

    /**
     * The defaults, listening on loopback.
     *
     * @param port the TCP port, 0 for any free one
     * @return options listening on {@code 127.0.0.1:port} with every default
     */
    public static ServeOptions defaults(int port) {
        return new ServeOptions("127.0.0.1", port, DEFAULT_MAX_BATCH, DEFAULT_MAX_DELAY_MS, DEFAULT_MAX_QUEUE,
                DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_PIXELS, DEFAULT_TIMEOUT_MS, DEFAULT_DRAIN_TIMEOUT_MS);
    }

    /**
     * The same options with other batching limits.
     *
     * @param newMaxBatch   most images per engine call
     * @param newMaxDelayMs longest wait for a batch to fill
     * @return the changed options
     */
    public ServeOptions withBatching(int newMaxBatch, int newMaxDelayMs) {
        return new ServeOptions(host, port, newMaxBatch, newMaxDelayMs, maxQueue, maxBodyBytes, maxPixels, timeoutMs,
                drainTimeoutMs);
    }

    /**
     * The same options with other request limits.
     *
     * @param newMaxBodyBytes largest request body
     * @param newMaxPixels    largest image, width times height
     * @param newTimeoutMs    longest time to answer a request
     * @param newMaxQueue     most images waiting per model
     * @return the changed options
     */
    public ServeOptions withLimits(long newMaxBodyBytes, long newMaxPixels, int newTimeoutMs, int newMaxQueue) {
        return new ServeOptions(host, port, maxBatch, maxDelayMs, newMaxQueue, newMaxBodyBytes, newMaxPixels,
                newTimeoutMs, drainTimeoutMs);
    }

    private static void require(boolean ok, String what, String range, long actual) {
        if (!ok) {
            throw new IllegalArgumentException(what + " must be " + range + ", got " + actual);
        }
    }
}
