package org.vgg4j.core.spi;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Finds backends through {@link ServiceLoader} and picks one: the explicit name, else the system property
 * {@value #PROPERTY}, else the environment variable {@value #ENV}, else the available backend with the highest priority.
 */
public final class Backends {
    /** System property naming the backend to use. */
    public static final String PROPERTY = "vgg4j.backend";
    /** Environment variable naming the backend to use. */
    public static final String ENV = "VGG4J_BACKEND";
    /** The name that means "choose for me". */
    public static final String AUTO = "auto";

    private final List<BackendProvider> providers;
    private final UnaryOperator<String> properties;
    private final UnaryOperator<String> environment;

    /** A selector over explicit providers and lookups, for tests and embedding. */
    public Backends(List<BackendProvider> providers, UnaryOperator<String> properties,
            UnaryOperator<String> environment) {
        this.providers = providers.stream().sorted(Comparator.comparingInt(BackendProvider::priority).reversed()
                .thenComparing(BackendProvider::name)).toList();
        this.properties = properties;
        this.environment = environment;
    }

    /** A selector over every provider on the class path, reading the real system properties and environment. */
    public static Backends discover() {
        List<BackendProvider> found = new ArrayList<>();
        ServiceLoader.load(BackendProvider.class).forEach(found::add);
        return new Backends(found, System::getProperty, System::getenv);
    }

    /** Every backend found, best first, with its availability. */
    public List<BackendStatus> list() {
        return providers.stream().map(p -> new BackendStatus(p.name(), p.priority(), p.availability())).toList();
    }

    /** The provider named {@code name}, if it is on the class path. */
    public Optional<BackendProvider> provider(String name) {
        return providers.stream().filter(p -> p.name().equalsIgnoreCase(name)).findFirst();
    }

    /** The backend chosen by the property, the environment, or the best available one. */
    public Backend select() {
        return select(null);
    }

    /**
     * The backend named {@code explicitName}; when it is null, blank or {@code auto}, the one named by the property or
     * the environment; when those are unset too, the best available one.
     *
     * @throws UnknownBackendException     if no backend has that name, listing every backend found
     * @throws BackendUnavailableException listing every backend found and why each unavailable one cannot run
     */
    public Backend select(String explicitName) {
        String requested = firstNonBlank(explicitName, properties.apply(PROPERTY), environment.apply(ENV));
        if (requested == null) {
            for (BackendProvider p : providers) {
                if (p.availability().available()) {
                    return p.create();
                }
            }
            throw new BackendUnavailableException("no backend can run here. " + describeAll());
        }
        String name = requested.trim().toLowerCase(Locale.ROOT);
        BackendProvider provider = provider(name).orElseThrow(() -> new UnknownBackendException(
                "unknown backend '" + requested + "'" + source(explicitName) + ". " + describeAll()));
        Availability availability = provider.availability();
        if (!availability.available()) {
            throw new BackendUnavailableException("backend '" + name + "' cannot run here: " + availability.detail()
                    + ". " + describeAll());
        }
        return provider.create();
    }

    private String source(String explicitName) {
        if (!isBlank(explicitName)) {
            return "";
        }
        return !isBlank(properties.apply(PROPERTY)) ? " (from -D" + PROPERTY + ")" : " (from $" + ENV + ")";
    }

    private String describeAll() {
        if (providers.isEmpty()) {
            return "No backend is on the class path: add a backend module such as vgg4j-backend-djl-pytorch.";
        }
        return "Backends found: " + list().stream()
                .map(s -> s.name() + (s.availability().available() ? " (available)"
                        : " (unavailable: " + s.availability().detail() + ")"))
                .collect(Collectors.joining(", "));
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (!isBlank(v) && !v.trim().equalsIgnoreCase(AUTO)) {
                return v;
            }
        }
        return null;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
