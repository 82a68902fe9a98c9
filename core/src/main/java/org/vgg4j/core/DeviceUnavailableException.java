package org.vgg4j.core;

/**
 * Thrown when a session asks for a device the backend cannot use, such as a GPU on a machine without one.
 */
public final class DeviceUnavailableException extends Vgg4jException {
    private static final long serialVersionUID = 1L;

    public DeviceUnavailableException(String message) {
        super(message);
    }
}
