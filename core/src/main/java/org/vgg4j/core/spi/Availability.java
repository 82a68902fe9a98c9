package org.vgg4j.core.spi;

/**
 * Whether a backend can run on this machine, with the reason when it cannot.
 *
 * @param available true if {@link BackendProvider#create()} will succeed
 * @param detail    engine and version when available; the reason and the fix when not
 */
public record Availability(boolean available, String detail) {

    /**
     * The backend can run.
     *
     * @param detail engine and version, e.g. for {@code vgg4j backends}
     * @return an available status
     */
    public static Availability yes(String detail) {
        return new Availability(true, detail);
    }

    /**
     * The backend cannot run.
     *
     * @param reason why, and how to fix it, on one line
     * @return an unavailable status
     */
    public static Availability no(String reason) {
        return new Availability(false, reason);
    }
}
