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

    /** A built-in data set ({@code fashion-mnist}, {@code mnist}) with optional limits. */
    public static DataConfig builtIn(String dataset, Integer trainLimit, Integer testLimit) {
        return new DataConfig(dataset, trainLimit, testLimit, null, 0, false, false, null);
    }

    /** All of Fashion-MNIST. */
    public static DataConfig reference() {
        return builtIn("fashion-mnist", null, null);
    }

    /** Whether the images come from a folder of files rather than a built-in data set. */
    public boolean fromFolder() {
        return dataset.equals(FOLDER);
    }
}
