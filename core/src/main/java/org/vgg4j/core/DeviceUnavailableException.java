package org.vgg4j.core;

/**
 * Thrown when a session asks for a device the backend cannot use, such as a GPU on a machine without one.
 */
public final class DeviceUnavailableException extends Vgg4jException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the device asked for, the backend, and why that backend cannot use it
     */
    public DeviceUnavailableException(String message) {
        super(message);
    }
}
