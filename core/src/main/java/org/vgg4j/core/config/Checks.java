package org.vgg4j.core.config;

/** Range checks of configuration fields; each error names the field, the accepted range and the value. */
final class Checks {
    private Checks() {
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
