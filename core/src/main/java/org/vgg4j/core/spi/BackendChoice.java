package org.vgg4j.core.spi;

import java.util.Objects;

/**
 * A backend that {@link Backends#choose} picked, with one line saying why (the option that named it, or the ranking
 * that {@code auto} followed), for the CLI to print.
 *
 * @param backend the created backend
 * @param reason  why it was picked, one line, e.g. {@code auto: the fastest available for training on cpu (ranking:
 *                tensorflow, pytorch)}
 */
public record BackendChoice(Backend backend, String reason) {

    /**
     * Checks the fields.
     *
     * @param backend the created backend, not null
     * @param reason  one line, not null
     * @throws NullPointerException if an argument is null
     */
    public BackendChoice {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(reason, "reason");
    }
}
