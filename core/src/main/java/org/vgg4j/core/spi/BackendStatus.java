package org.vgg4j.core.spi;

/**
 * One backend found on the class path, and whether it can run here.
 *
 * @param name         the backend's name
 * @param priority     its rank for automatic selection
 * @param availability whether it can run, and why not
 */
public record BackendStatus(String name, int priority, Availability availability) {
}
