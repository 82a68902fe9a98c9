package org.vgg4j.datasets;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Where a data set was found: the directory, how it was found, the path of each of its files (gzip or raw), and
 * whether reading them verifies their checksums.
 *
 * @param spec            the data set
 * @param dir             the directory holding the files
 * @param origin          how the directory was found
 * @param files           path of each file, keyed by its name without {@code .gz}
 * @param verifyChecksums whether loading checks each file's SHA-256 against {@link DatasetSpec#sha256Of}
 */
public record DataLocation(DatasetSpec spec, Path dir, Origin origin, Map<String, Path> files,
                           boolean verifyChecksums) {

    /** How a data directory was found, in the order the locator tries them. */
    public enum Origin {
        /** Given explicitly ({@code --data-dir}). */
        EXPLICIT_DIR("--data-dir"),
        /** Named by the environment variable {@code VGG4J_DATA}. */
        ENVIRONMENT("environment variable " + DataLocator.ENV_DATA_DIR),
        /** The user cache ({@code $XDG_CACHE_HOME/vgg4j/<name>} or {@code ~/.cache/vgg4j/<name>}). */
        USER_CACHE("user cache"),
        /** Installed by a system package (Debian's {@code dataset-fashion-mnist}). */
        SYSTEM_PACKAGE("system package directory"),
        /** Downloaded just now into the user cache. */
        DOWNLOADED("download into the user cache");

        private final String description;

        Origin(String description) {
            this.description = description;
        }

        /** A short phrase for messages. */
        public String description() {
            return description;
        }
    }

    public DataLocation {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(origin, "origin");
        files = Map.copyOf(files);
        for (String name : spec.fileNames()) {
            if (!files.containsKey(name)) {
                throw new IllegalArgumentException("location of " + spec.displayName() + " lacks file " + name);
            }
        }
    }

    /**
     * A location for files already known to be in {@code dir} (gzip or raw) without searching: e.g. for tools that
     * take a directory and nothing else. Missing files fail when read.
     */
    public static DataLocation of(DatasetSpec spec, Path dir, boolean verifyChecksums) {
        Map<String, Path> found = DataLocator.filesIn(spec, dir);
        Map<String, Path> all = new java.util.LinkedHashMap<>();
        for (String name : spec.fileNames()) {
            all.put(name, found.getOrDefault(name, dir.resolve(name + ".gz")));
        }
        return new DataLocation(spec, dir, Origin.EXPLICIT_DIR, all, verifyChecksums);
    }

    /** Path of a split's image file. */
    public Path images(Split split) {
        return files.get(spec.imagesFile(split));
    }

    /** Path of a split's label file. */
    public Path labels(Split split) {
        return files.get(spec.labelsFile(split));
    }

    /** The SHA-256 a file must have when reading it, or null when it is not checked. */
    public String expectedSha256(String fileName) {
        return verifyChecksums ? spec.sha256Of(fileName) : null;
    }

    /** This location with checksum verification on or off. */
    public DataLocation withVerifyChecksums(boolean verify) {
        return new DataLocation(spec, dir, origin, files, verify);
    }

    @Override
    public String toString() {
        return spec.displayName() + " in " + dir + " (" + origin.description() + ")";
    }
}
