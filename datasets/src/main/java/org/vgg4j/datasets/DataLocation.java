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

        /**
         * A short phrase for messages.
         *
         * @return e.g. {@code user cache} or {@code --data-dir}
         */
        public String description() {
            return description;
        }
    }

    /**
     * Checks the location and copies {@code files}.
     *
     * @param spec            the data set; not null
     * @param dir             the directory holding the files; not null
     * @param origin          how the directory was found; not null
     * @param files           path of each file, keyed by its name without {@code .gz}; every file of {@code spec}
     * @param verifyChecksums whether loading checks each file's SHA-256
     * @throws IllegalArgumentException if {@code files} lacks a file of {@code spec}
     */
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
     *
     * @param spec            the data set
     * @param dir             the directory holding its files
     * @param verifyChecksums whether loading checks each file's SHA-256
     * @return a location of origin {@link Origin#EXPLICIT_DIR}; a missing file is given as {@code dir/<name>.gz}
     */
    public static DataLocation of(DatasetSpec spec, Path dir, boolean verifyChecksums) {
        Map<String, Path> found = DataLocator.filesIn(spec, dir);
        Map<String, Path> all = new java.util.LinkedHashMap<>();
        for (String name : spec.fileNames()) {
            all.put(name, found.getOrDefault(name, dir.resolve(name + ".gz")));
        }
        return new DataLocation(spec, dir, Origin.EXPLICIT_DIR, all, verifyChecksums);
    }

    /**
     * Path of a split's image file.
     *
     * @param split the training or test split
     * @return the IDX image file of {@code split}, gzip or raw
     */
    public Path images(Split split) {
        return files.get(spec.imagesFile(split));
    }

    /**
     * Path of a split's label file.
     *
     * @param split the training or test split
     * @return the IDX label file of {@code split}, gzip or raw
     */
    public Path labels(Split split) {
        return files.get(spec.labelsFile(split));
    }

    /**
     * The SHA-256 a file must have when reading it, or null when it is not checked.
     *
     * @param fileName a file name of the data set, without {@code .gz}
     * @return the published SHA-256 of its decompressed content, or null when checksums are not verified
     */
    public String expectedSha256(String fileName) {
        return verifyChecksums ? spec.sha256Of(fileName) : null;
    }

    /**
     * This location with checksum verification on or off.
     *
     * @param verify whether loading checks each file's SHA-256
     * @return a new location; this one is unchanged
     */
    public DataLocation withVerifyChecksums(boolean verify) {
        return new DataLocation(spec, dir, origin, files, verify);
    }

    @Override
    public String toString() {
        return spec.displayName() + " in " + dir + " (" + origin.description() + ")";
    }
}
