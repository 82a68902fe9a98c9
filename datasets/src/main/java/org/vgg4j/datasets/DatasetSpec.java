package org.vgg4j.datasets;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Describes an MNIST-format data set: its four IDX files ({@code train|t10k}-{@code images-idx3|labels-idx1}-ubyte,
 * each gzip or raw), the SHA-256 of each decompressed file, its class names, where it may be installed by the
 * system, and the upstream locations it may be downloaded from.
 *
 * @param name           short name, used as the cache sub-directory ({@code fashion-mnist})
 * @param displayName    name for people ({@code Fashion-MNIST})
 * @param classNames     class name of each label, index = label
 * @param sha256         SHA-256 of each decompressed file by file name (without {@code .gz}); empty for a custom
 *                       data set whose files are not verified
 * @param mirrors        base URLs (ending in {@code /}) tried in order; file {@code f} is fetched as
 *                       {@code base + f + ".gz"}; empty when the data set cannot be downloaded
 * @param systemDirs     directories where a system package installs the files
 * @param systemPackage  the Debian package that installs them, or null
 */
public record DatasetSpec(String name, String displayName, List<String> classNames, Map<String, String> sha256,
                          List<URI> mirrors, List<Path> systemDirs, String systemPackage) {

    /**
     * Checks the description and copies its lists and map.
     *
     * @param name          short name: a plain directory name, not blank, without {@code /} or {@code \}, not
     *                      starting with {@code .}
     * @param displayName   name for people; not null
     * @param classNames    class name of each label; 1 to 256 names
     * @param sha256        SHA-256 of each decompressed file by file name; empty for no verification
     * @param mirrors       base URLs, each ending in {@code /}; empty when the data set cannot be downloaded
     * @param systemDirs    directories where a system package installs the files
     * @param systemPackage the Debian package that installs them, or null
     * @throws IllegalArgumentException if the name, the number of classes or a mirror URL is not acceptable
     */
    public DatasetSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(displayName, "displayName");
        if (name.isBlank() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            throw new IllegalArgumentException("data set name '" + name + "' must be a plain directory name");
        }
        classNames = List.copyOf(classNames);
        if (classNames.isEmpty() || classNames.size() > 256) {
            throw new IllegalArgumentException("a data set needs 1 to 256 classes, got " + classNames.size());
        }
        sha256 = Map.copyOf(sha256);
        for (URI m : mirrors) {
            if (!m.toString().endsWith("/")) {
                throw new IllegalArgumentException("mirror base URL must end in '/': " + m);
            }
        }
        mirrors = List.copyOf(mirrors);
        systemDirs = List.copyOf(systemDirs);
    }

    /**
     * A custom data set in the same format: the four files with the standard names, no checksums (so nothing is
     * verified), no system location and no download.
     *
     * @param name       short name, also the display name and the cache sub-directory
     * @param classNames class name of each label, 1 to 256 names
     * @return the description
     * @throws IllegalArgumentException if {@code name} is not a plain directory name or the class count is out of
     *                                  range
     */
    public static DatasetSpec custom(String name, List<String> classNames) {
        return new DatasetSpec(name, name, classNames, Map.of(), List.of(), List.of(), null);
    }

    /**
     * The built-in data set called {@code name}: {@code fashion-mnist} or {@code mnist} (case and {@code -}/{@code _}
     * ignored).
     *
     * @param name the data set's name, e.g. {@code Fashion_MNIST}
     * @return {@link FashionMnist#SPEC} or {@link Mnist#SPEC}
     * @throws IllegalArgumentException naming the known data sets when there is no such data set
     */
    public static DatasetSpec named(String name) {
        String key = name.toLowerCase(java.util.Locale.ROOT).replace("_", "").replace("-", "");
        for (DatasetSpec s : List.of(FashionMnist.SPEC, Mnist.SPEC)) {
            if (s.name().replace("-", "").equals(key)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown data set '" + name + "'; known: " + FashionMnist.SPEC.name()
                + ", " + Mnist.SPEC.name() + " (other data sets in the same format: DatasetSpec.custom)");
    }

    /**
     * Number of classes.
     *
     * @return {@code classNames().size()}, 1 to 256
     */
    public int numClasses() {
        return classNames.size();
    }

    /**
     * File name (without {@code .gz}) of a split's images, e.g. {@code train-images-idx3-ubyte}.
     *
     * @param split the training or test split
     * @return {@code <prefix>-images-idx3-ubyte}
     */
    public String imagesFile(Split split) {
        return split.filePrefix() + "-images-idx3-ubyte";
    }

    /**
     * File name (without {@code .gz}) of a split's labels, e.g. {@code t10k-labels-idx1-ubyte}.
     *
     * @param split the training or test split
     * @return {@code <prefix>-labels-idx1-ubyte}
     */
    public String labelsFile(Split split) {
        return split.filePrefix() + "-labels-idx1-ubyte";
    }

    /**
     * The four file names (without {@code .gz}): train images, train labels, test images, test labels.
     *
     * @return a new modifiable list of four names, in that order
     */
    public List<String> fileNames() {
        List<String> names = new ArrayList<>();
        for (Split s : Split.values()) {
            names.add(imagesFile(s));
            names.add(labelsFile(s));
        }
        return names;
    }

    /**
     * The published SHA-256 of a decompressed file, or null when this data set has none.
     *
     * @param fileName one of {@link #fileNames()}
     * @return lowercase hex SHA-256, or null when no checksum is known for {@code fileName}
     */
    public String sha256Of(String fileName) {
        return sha256.get(fileName);
    }

    /**
     * Whether this data set publishes checksums for its files.
     *
     * @return false for a custom data set, whose files are not verified
     */
    public boolean hasChecksums() {
        return !sha256.isEmpty();
    }

    /**
     * This description with other download locations (e.g. a local mirror or a test server).
     *
     * @param newMirrors base URLs, each ending in {@code /}, tried in order
     * @return a new description; this one is unchanged
     * @throws IllegalArgumentException if a URL does not end in {@code /}
     */
    public DatasetSpec withMirrors(List<URI> newMirrors) {
        return new DatasetSpec(name, displayName, classNames, sha256, newMirrors, systemDirs, systemPackage);
    }

    /**
     * This description with other system directories.
     *
     * @param dirs directories where a system package installs the files, tried in order
     * @return a new description; this one is unchanged
     */
    public DatasetSpec withSystemDirs(List<Path> dirs) {
        return new DatasetSpec(name, displayName, classNames, sha256, mirrors, dirs, systemPackage);
    }

    /**
     * This description with other checksums (empty: no verification possible).
     *
     * @param checksums lowercase hex SHA-256 of each decompressed file, by file name without {@code .gz}
     * @return a new description; this one is unchanged
     */
    public DatasetSpec withChecksums(Map<String, String> checksums) {
        return new DatasetSpec(name, displayName, classNames, checksums, mirrors, systemDirs, systemPackage);
    }

    static Map<String, String> checksums(String trainImages, String trainLabels, String testImages,
                                         String testLabels) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("train-images-idx3-ubyte", trainImages);
        m.put("train-labels-idx1-ubyte", trainLabels);
        m.put("t10k-images-idx3-ubyte", testImages);
        m.put("t10k-labels-idx1-ubyte", testLabels);
        return m;
    }
}
