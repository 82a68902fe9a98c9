package org.vgg4j.core.config;

/**
 * One field in which two {@link RunConfig}s differ, with both values as JSON text ({@code null} for a field that is
 * unset, such as a limit meaning "all").
 *
 * @param path  dotted field path, e.g. {@code model.imageSize}
 * @param value the value in the configuration {@link RunConfig#differences} was called on
 * @param other the value in the other configuration
 */
public record ConfigDifference(String path, String value, String other) {
}
