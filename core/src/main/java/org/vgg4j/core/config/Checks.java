package org.vgg4j.core.config;

/** Range checks of configuration fields; each error names the field, the accepted range and the value. */
final class Checks {
    private Checks() {
    }

    /** {@code value}, or an error saying that {@code field} is missing (as a null from JSON would leave it). */
    static <T> T present(T value, String field) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is missing or null");
        }
        return value;
    }

    static void positive(String field, long value) {
        atLeast(field, value, 1);
    }

    static void atLeast(String field, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(field + " must be >= " + min + ", got " + value);
        }
    }
}
