package org.vgg4j.backend.tensorflow;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes TensorFlow's native libraries loadable without any download: finds the
 * {@code org.tensorflow:tensorflow-core-native} jar on the class path, extracts its shared libraries once into a
 * versioned cache directory, and points DJL at that directory through the {@value #LIBRARY_PATH} system property,
 * before DJL's TensorFlow engine loads.
 *
 * <p>Order: an existing {@value #LIBRARY_PATH} (environment variable or system property) wins and nothing is
 * extracted; else the natives jar on the class path (GPU build first) is extracted to
 * {@code <cache>/<version>-<platform>/}, where {@code <cache>} is the system property {@value #CACHE_PROPERTY}, else
 * {@code $XDG_CACHE_HOME/vgg4j/tensorflow-native}, else {@code ~/.cache/vgg4j/tensorflow-native}. Extraction goes to a
 * temporary sibling directory renamed into place, so concurrent processes never see half-written libraries.
 *
 * <p>Why not let javacpp do it: with the jar on the class path javacpp unpacks it into {@code ~/.javacpp/cache} on
 * every new version; DJL's loader reads {@value #LIBRARY_PATH} and sets javacpp's preload path to it, and
 * {@code org.bytedeco.javacpp.pathsFirst=true} makes javacpp take the libraries from there instead.
 */
public final class TfNatives {
    /** The variable DJL's {@code LibUtils} reads (environment or system property) to find {@code libjnitensorflow}. */
    public static final String LIBRARY_PATH = "TENSORFLOW_LIBRARY_PATH";
    /** System property overriding the cache root. */
    public static final String CACHE_PROPERTY = "vgg4j.tensorflow.native.cache";

    private static final Logger LOG = LoggerFactory.getLogger(TfNatives.class);
    private static final String RESOURCE_ROOT = "org/tensorflow/internal/c_api/";
    private static final String POM_PROPERTIES =
            "META-INF/maven/org.tensorflow/tensorflow-core-native/pom.properties";
    private static final String COMPLETE_MARKER = ".complete";

    private static Location prepared;

    private TfNatives() {
    }

    /**
     * Where the natives come from, after making them loadable.
     *
     * @param directory the directory holding {@code libjnitensorflow} and its libraries
     * @param gpu       true if these are TensorFlow's CUDA build
     * @param source    how they were found, for messages
     */
    public record Location(Path directory, boolean gpu, String source) {
    }

    /**
     * Makes the natives loadable (idempotent) and returns where they are.
     *
     * @return where the natives are
     * @throws IllegalStateException with the fix when no natives can be found or extracted
     */
    public static synchronized Location prepare() {
        if (prepared == null) {
            prepared = locate();
            System.setProperty(LIBRARY_PATH, prepared.directory().toString());
            // javacpp: take the libraries from the preload path DJL sets, never extract the jar into ~/.javacpp.
            if (System.getProperty("org.bytedeco.javacpp.pathsFirst") == null) {
                System.setProperty("org.bytedeco.javacpp.pathsFirst", "true");
            }
            LOG.debug("TensorFlow natives: {}", prepared);
        }
        return prepared;
    }

    private static Location locate() {
        String configured = System.getProperty(LIBRARY_PATH);
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(LIBRARY_PATH);
        }
        String platform = platform();
        if (configured != null && !configured.isBlank()) {
            Path dir = Paths.get(configured.split(java.io.File.pathSeparator)[0]);
            boolean gpu = resourceDir(platform + "-gpu") != null;
            return new Location(dir, gpu, LIBRARY_PATH + "=" + configured);
        }
        for (String classifier : List.of(platform + "-gpu", platform)) {
            URL jni = resourceDir(classifier);
            if (jni != null) {
                Path dir = extract(jni, classifier);
                return new Location(dir, classifier.endsWith("-gpu"), "extracted from " + jarName(jni));
            }
        }
        throw new IllegalStateException("TensorFlow's native libraries are not on the class path: add "
                + "org.tensorflow:tensorflow-core-native:<version>:" + platform + " (transitive dependencies excluded)"
                + " or set " + LIBRARY_PATH + " to a directory holding " + System.mapLibraryName("jnitensorflow"));
    }

    /** The javacpp platform name of this machine, such as {@code linux-x86_64}. */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String osName = os.startsWith("windows") ? "windows" : os.startsWith("mac") ? "macosx" : "linux";
        String archName = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64"
                : arch.equals("aarch64") || arch.equals("arm64") ? "arm64" : arch;
        return osName + "-" + archName;
    }

    private static URL resourceDir(String classifier) {
        return TfNatives.class.getClassLoader()
                .getResource(RESOURCE_ROOT + classifier + "/" + System.mapLibraryName("jnitensorflow"));
    }

    private static String jarName(URL url) {
        String s = url.toString();
        int bang = s.indexOf("!/");
        String jar = bang < 0 ? s : s.substring(0, bang);
        return jar.substring(jar.lastIndexOf('/') + 1);
    }

    /** Extracts the shared libraries next to {@code jniLibrary} into the versioned cache, once. */
    static Path extract(URL jniLibrary, String classifier) {
        return extract(jniLibrary, classifier, cacheRoot());
    }

    /**
     * Extracts every shared library in the class path directory of {@code jniLibrary} (a {@code jar:} or {@code file:}
     * URL) into {@code root/<version>-<classifier>/}, unless a complete extraction is already there.
     */
    static Path extract(URL jniLibrary, String classifier, Path root) {
        String version = nativesVersion(jniLibrary);
        Path target = root.resolve(version + "-" + classifier);
        if (Files.exists(target.resolve(COMPLETE_MARKER))) {
            return target;
        }
        LOG.info("Extracting TensorFlow {} natives ({}) to {} (once)", version, classifier, target);
        Path tmp = null;
        try {
            Files.createDirectories(root);
            tmp = Files.createTempDirectory(root, "." + version + "-" + classifier + "-");
            copyLibraries(jniLibrary, tmp);
            Files.createFile(tmp.resolve(COMPLETE_MARKER));
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // Another process may have won the race; a stale partial directory is replaced.
                if (!Files.exists(target.resolve(COMPLETE_MARKER))) {
                    deleteTree(target);
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                }
            }
            return target;
        } catch (IOException e) {
            throw new IllegalStateException("cannot extract TensorFlow's native libraries to " + target + ": " + e
                    + ". Free disk space, set -D" + CACHE_PROPERTY + "=<writable dir>, or set " + LIBRARY_PATH, e);
        } finally {
            if (tmp != null && Files.exists(tmp)) {
                deleteTree(tmp);
            }
        }
    }

    private static void copyLibraries(URL jniLibrary, Path dir) throws IOException {
        if (!(jniLibrary.openConnection() instanceof JarURLConnection connection)) {
            // An exploded class path directory: copy the files next to it.
            Path source = Paths.get(toUri(jniLibrary)).getParent();
            try (Stream<Path> files = Files.list(source)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    if (isLibrary(f.getFileName().toString())) {
                        Files.copy(f, dir.resolve(f.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            return;
        }
        String entryName = connection.getEntryName();
        String prefix = entryName.substring(0, entryName.lastIndexOf('/') + 1);
        connection.setUseCaches(false);
        try (JarFile jar = connection.getJarFile()) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                String rest = entry.getName().startsWith(prefix) ? entry.getName().substring(prefix.length()) : "";
                if (!rest.isEmpty() && !rest.contains("/") && isLibrary(rest)) {
                    try (InputStream in = jar.getInputStream(entry)) {
                        Files.copy(in, dir.resolve(rest), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
    }

    private static java.net.URI toUri(URL url) throws IOException {
        try {
            return url.toURI();
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
    }

    static boolean isLibrary(String fileName) {
        return fileName.contains(".so") || fileName.endsWith(".dylib") || fileName.endsWith(".dll");
    }

    private static String nativesVersion(URL jniLibrary) {
        String s = jniLibrary.toString();
        int bang = s.indexOf("!/");
        if (bang > 0) {
            try (InputStream in = new URL(s.substring(0, bang + 2) + POM_PROPERTIES).openStream()) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null && !v.isBlank()) {
                    return v.trim();
                }
            } catch (IOException e) {
                LOG.debug("no version in {}", s, e);
            }
        }
        return "unknown-" + Integer.toHexString(s.hashCode());
    }

    static Path cacheRoot() {
        String override = System.getProperty(CACHE_PROPERTY);
        if (override != null && !override.isBlank()) {
            return Paths.get(override);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Paths.get(xdg) : Paths.get(System.getProperty("user.home"), ".cache");
        return base.resolve("vgg4j").resolve("tensorflow-native");
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("could not delete {}", dir, e);
        }
    }
}
