package org.vgg4j.core.spi;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.vgg4j.core.Device;

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

    /**
     * A selector over explicit providers and lookups, for tests and embedding.
     *
     * @param providers   the candidate backends, in any order (sorted here by priority, highest first, then name)
     * @param properties  looks up a system property by name ({@link #PROPERTY}); returns null if unset
     * @param environment looks up an environment variable by name ({@link #ENV}); returns null if unset
     */
    public Backends(List<BackendProvider> providers, UnaryOperator<String> properties,
            UnaryOperator<String> environment) {
        this.providers = providers.stream().sorted(Comparator.comparingInt(BackendProvider::priority).reversed()
                .thenComparing(BackendProvider::name)).toList();
        this.properties = properties;
        this.environment = environment;
    }

    /**
     * A selector over every provider on the class path, reading the real system properties and environment.
     *
     * @return a selector over the {@link java.util.ServiceLoader} providers of {@link BackendProvider}
     */
    public static Backends discover() {
        List<BackendProvider> found = new ArrayList<>();
        ServiceLoader.load(BackendProvider.class).forEach(found::add);
        return new Backends(found, System::getProperty, System::getenv);
    }

    /**
     * Every backend found, best first, with its availability.
     *
     * @return one status per provider, calling each provider's {@link BackendProvider#availability()} now
     */
    public List<BackendStatus> list() {
        return providers.stream().map(p -> new BackendStatus(p.name(), p.priority(), p.availability())).toList();
    }

    /**
     * The provider named {@code name}, if it is on the class path.
     *
     * @param name a backend name, case-insensitive
     * @return the provider, or empty
     */
    public Optional<BackendProvider> provider(String name) {
        return providers.stream().filter(p -> p.name().equalsIgnoreCase(name)).findFirst();
    }

    /**
     * The backend chosen by the property, the environment, or the best available one.
     *
     * @return the backend, as {@link #select(String) select(null)} returns it
     * @throws UnknownBackendException     if the property or environment names no backend found
     * @throws BackendUnavailableException if the chosen backend, or every backend, cannot run here
     */
    public Backend select() {
        return select(null);
    }

    /**
     * The backend named {@code explicitName}; when it is null, blank or {@code auto}, the one named by the property or
     * the environment; when those are unset too, the best available one.
     *
     * @param explicitName a backend name (case-insensitive, e.g. from {@code --backend}), or null, blank or
     *                     {@code auto} to let the property, the environment or the priorities decide
     * @return the created backend
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

    /**
     * The backend for {@code task} on {@code device}: the explicit name, else the property, else the environment
     * variable, as {@link #select(String)} resolves them; when none names one (or each says {@code auto}), the
     * available backend that {@link BackendProvider#rank ranks} highest for the task and device kind (a GPU device
     * ranks as {@code GPU}, {@code cpu} and {@code auto} as {@code CPU}), ties broken by priority then name. Engines
     * are loaded in rank order only until one is available.
     *
     * @param explicitName a backend name, or null, blank or {@code auto}
     * @param task         what the backend will do
     * @param device       the device it will run on
     * @return the created backend and why it was picked
     * @throws UnknownBackendException     if a name is given and no backend has it
     * @throws BackendUnavailableException if the named backend cannot run here, or no backend offers the task here
     */
    public BackendChoice choose(String explicitName, Task task, Device device) {
        return choose(explicitName, task, device, null);
    }

    /**
     * As {@link #choose(String, Task, Device)}, except that when nothing names a backend, {@code preferred} wins over
     * the ranking if it is found, offers the task and is available here: a resumed training run continues on the
     * backend that trained its checkpoint, so that its steps stay bit-identical to an uninterrupted run's.
     *
     * @param explicitName a backend name, or null, blank or {@code auto}
     * @param task         what the backend will do
     * @param device       the device it will run on
     * @param preferred    the backend to keep if nothing names another (e.g. a checkpoint's), or null for none
     * @return the created backend and why it was picked
     * @throws UnknownBackendException     if a name is given and no backend has it
     * @throws BackendUnavailableException if the named backend cannot run here, or no backend offers the task here
     */
    public BackendChoice choose(String explicitName, Task task, Device device, String preferred) {
        String requested = firstNonBlank(explicitName, properties.apply(PROPERTY), environment.apply(ENV));
        if (requested != null) {
            boolean explicit = !isBlank(explicitName) && !explicitName.trim().equalsIgnoreCase(AUTO);
            Backend named = select(explicit ? explicitName : null); // null: errors then name the property or variable
            String from = explicit ? "--backend" : !isBlank(properties.apply(PROPERTY)) ? "-D" + PROPERTY : "$" + ENV;
            return new BackendChoice(named, "named by " + from);
        }
        Device.Kind kind = device.isGpu() ? Device.Kind.GPU
                : Device.Kind.CPU;
        if (preferred != null) {
            Optional<BackendProvider> kept = provider(preferred);
            if (kept.isPresent() && kept.get().rank(task, kind) >= 0 && kept.get().availability().available()) {
                return new BackendChoice(kept.get().create(), "auto: the backend that trained the checkpoint (a "
                        + "resume continues on it, bit-identical to an uninterrupted run)");
            }
        }
        List<BackendProvider> ranked = providers.stream().filter(p -> p.rank(task, kind) >= 0)
                .sorted(Comparator.comparingInt((BackendProvider p) -> p.rank(task, kind)).reversed()
                        .thenComparing(Comparator.comparingInt(BackendProvider::priority).reversed())
                        .thenComparing(BackendProvider::name)).toList();
        String ranking = ranked.stream().map(BackendProvider::name).collect(Collectors.joining(", "));
        List<String> skipped = new ArrayList<>();
        for (BackendProvider p : ranked) {
            Availability a = p.availability();
            if (a.available()) {
                String reason = "auto: the fastest available for " + task.word() + " on "
                        + kind.name().toLowerCase(Locale.ROOT) + " (ranking: " + ranking + ")"
                        + (skipped.isEmpty() ? "" : "; skipped " + String.join("; ", skipped));
                return new BackendChoice(p.create(), reason);
            }
            skipped.add(p.name() + " (unavailable: " + a.detail() + ")");
        }
        throw new BackendUnavailableException("no backend can run " + task.word() + " on "
                + kind.name().toLowerCase(Locale.ROOT) + " here" + (ranked.isEmpty() ? ": none offers it" : "")
                + ". " + describeAll());
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
