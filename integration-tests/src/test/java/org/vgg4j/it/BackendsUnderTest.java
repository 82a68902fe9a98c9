package org.vgg4j.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.core.spi.BackendStatus;
import org.vgg4j.core.spi.Backends;

/**
 * The backends this suite proves: every one {@link java.util.ServiceLoader} finds on the test class path and that can
 * run here, discovered once; no backend is named in the suite.
 */
final class BackendsUnderTest {
    private static List<Backend> all;

    private BackendsUnderTest() {
    }

    static synchronized List<Backend> all() {
        if (all == null) {
            Backends backends = Backends.discover();
            List<Backend> found = new ArrayList<>();
            for (BackendStatus s : backends.list()) {
                if (s.availability().available()) {
                    found.add(backends.provider(s.name()).orElseThrow().create());
                } else {
                    System.out.println("backend " + s.name() + " is unavailable here: " + s.availability().detail());
                }
            }
            all = List.copyOf(found);
        }
        return all;
    }

    static Stream<Backend> stream() {
        return all().stream();
    }

    /** Skips the calling test, with the backend's stated limitation as the reason, unless {@code backend} trains. */
    static void assumeTrains(Backend backend) {
        assumeTrue(backend.capabilities().training(), () -> backend.name() + " does not train: "
                + backend.capabilities().limitations());
    }

    /** The first (highest-priority) backend that trains: the anchor other trainable backends are compared with. */
    static Backend trainingAnchor() {
        return all().stream().filter(b -> b.capabilities().training()).findFirst()
                .orElseThrow(() -> new IllegalStateException("no trainable backend found"));
    }
}
