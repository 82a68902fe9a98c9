package org.vgg4j.core.config;

import java.util.List;

/**
 * The data part of a {@link RunConfig}: which data set, and how much of each split a run uses; for a folder of the
 * user's images ({@link #FOLDER}), also where it is, how it is split and read, and its class names.
 *
 * @param dataset           data set name ({@code fashion-mnist}, {@code mnist}, {@code folder})
 * @param trainLimit        the first N training images only, or null for all of them
 * @param testLimit         the first N test images only, or null for all of them
 * @param folder            the image folder's directory (absolute) for {@code folder}, else null; since checkpoint
 *                          format 4, as are the fields below
 * @param valSplit          the fraction of each class held out for testing when the folder has no {@code train/}
 *                          and {@code test/} (or {@code val/}) subfolders, in [0, 1); 0 means use the subfolders
 * @param allowEmptyClasses a class folder without images is a class with no samples, not an error
 * @param skipBadImages     images that do not decode are left out (and counted), not an error
 * @param classNames        the folder's class names (label = index) for {@code folder}, else null
 */
public record DataConfig(String dataset, Integer trainLimit, Integer testLimit, String folder, double valSplit,
        boolean allowEmptyClasses, boolean skipBadImages, List<String> classNames) {

    /** The name of the data set read from a folder of image files. */
    public static final String FOLDER = "folder";

    /**
     * Checks the fields and copies {@code classNames}.
     *
     * @param dataset           data set name, not null
     * @param trainLimit        the first N (>= 1) training images only, or null for all of them
     * @param testLimit         the first N (>= 1) test images only, or null for all of them
     * @param folder            the image folder's directory; required for {@value #FOLDER}, else must be null
     * @param valSplit          held-out fraction per class, in [0, 1); must be 0 unless {@value #FOLDER}
     * @param allowEmptyClasses keep empty class folders as classes; must be false unless {@value #FOLDER}
     * @param skipBadImages     leave out undecodable images; must be false unless {@value #FOLDER}
     * @param classNames        at least 2 names (copied) for {@value #FOLDER}, else must be null
     * @throws IllegalArgumentException naming the field, if {@code dataset} is null, a limit is below 1,
     *                                  {@code valSplit} is outside [0, 1), a folder data set lacks its folder or has
     *                                  fewer than 2 class names, or a built-in data set sets a folder-only field
     */
    public DataConfig {
        Checks.present(dataset, "data.dataset");
        if (trainLimit != null) {
            Checks.positive("data.trainLimit", trainLimit);
        }
        if (testLimit != null) {
            Checks.positive("data.testLimit", testLimit);
        }
        if (!(valSplit >= 0 && valSplit < 1)) {
            throw new IllegalArgumentException("data.valSplit must be >= 0 and < 1, got " + valSplit);
        }
        if (dataset.equals(FOLDER)) {
            Checks.present(folder, "data.folder");
            Checks.present(classNames, "data.classNames");
            if (classNames.size() < 2) {
                throw new IllegalArgumentException("data.classNames must name at least 2 classes, got "
                        + classNames.size());
            }
            classNames = List.copyOf(classNames);
        } else if (folder != null || classNames != null || valSplit != 0 || allowEmptyClasses || skipBadImages) {
            throw new IllegalArgumentException("data.folder, data.valSplit, data.allowEmptyClasses, "
                    + "data.skipBadImages and data.classNames are for data.dataset 'folder' only, not '" + dataset
                    + "'");
        }
    }

    /**
     * A built-in data set ({@code fashion-mnist}, {@code mnist}) with optional limits.
     *
     * @param dataset    the data set name, not null
     * @param trainLimit the first N training images only (N >= 1), or null for all of them
     * @param testLimit  the first N test images only (N >= 1), or null for all of them
     * @return a configuration with every folder-only field unset
     */
    public static DataConfig builtIn(String dataset, Integer trainLimit, Integer testLimit) {
        return new DataConfig(dataset, trainLimit, testLimit, null, 0, false, false, null);
    }

    /**
     * All of Fashion-MNIST.
     *
     * @return {@code fashion-mnist} without limits, the d2l chapter's data
     */
    public static DataConfig reference() {
        return builtIn("fashion-mnist", null, null);
    }

    /**
     * Whether the images come from a folder of files rather than a built-in data set.
     *
     * @return true if {@link #dataset} is {@value #FOLDER}
     */
    public boolean fromFolder() {
        return dataset.equals(FOLDER);
    }
}
