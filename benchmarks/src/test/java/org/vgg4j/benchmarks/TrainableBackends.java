package org.vgg4j.benchmarks;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.stream.Stream;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.core.spi.BackendStatus;
import org.vgg4j.core.spi.Backends;

/** The backends a test runs over: every one ServiceLoader finds, skipped with the reason when it cannot train here. */
public final class TrainableBackends {
    private TrainableBackends() {
    }

    /** Names of every backend found (for {@code @MethodSource}). */
    public static Stream<String> names() {
        return Backends.discover().list().stream().map(BackendStatus::name);
    }

    /** The backend {@code name}, or the test is skipped saying why it is unavailable or cannot train. */
    public static Backend assumeTrainable(String name) {
        Backends found = Backends.discover();
        BackendStatus status = found.list().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
        assumeTrue(status.availability().available(), () -> name + " unavailable: " + status.availability().detail());
        Backend backend = found.select(name);
        assumeTrue(backend.capabilities().training(),
                () -> name + " cannot train, nothing to check: " + backend.capabilities().limitations());
        return backend;
    }
}
