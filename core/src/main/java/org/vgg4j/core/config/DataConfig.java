package org.vgg4j.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
 * @param augment           the augmentation of the training images (never the test images), one of
 *                          {@link #AUGMENTATIONS}: {@code none}, or {@code crop} or {@code resized-crop} and/or
 *                          {@code flip}, comma-separated in that order; since checkpoint format 5, as is the field
 *                          below (older runs: {@code none})
 * @param cropPadding       the zero padding on each side before {@code crop}'s random crop, when {@code augment}
 *                          has {@code crop}; else null
 */
public record DataConfig(String dataset, Integer trainLimit, Integer testLimit, String folder, double valSplit,
        boolean allowEmptyClasses, boolean skipBadImages, List<String> classNames, String augment,
        Integer cropPadding) {

    /** The name of the data set read from a folder of image files. */
    public static final String FOLDER = "folder";
    /** {@link #augment} value: no augmentation. */
    public static final String AUGMENT_NONE = "none";
    /** Augmentation step: pad by {@link #cropPadding} zeros and crop a random window of the image size back. */
    public static final String AUGMENT_CROP = "crop";
    /** Augmentation step: torchvision's {@code RandomResizedCrop} with its default scale and ratio. */
    public static final String AUGMENT_RESIZED_CROP = "resized-crop";
    /** Augmentation step: a horizontal flip with probability 0.5. */
    public static final String AUGMENT_FLIP = "flip";
    /** Every valid {@link #augment} value, in its canonical spelling. */
    public static final List<String> AUGMENTATIONS = List.of(AUGMENT_NONE, AUGMENT_CROP, AUGMENT_FLIP,
            AUGMENT_CROP + "," + AUGMENT_FLIP, AUGMENT_RESIZED_CROP, AUGMENT_RESIZED_CROP + "," + AUGMENT_FLIP);

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
     * @param augment           one of {@link #AUGMENTATIONS}, not null
     * @param cropPadding       at least 0 when {@code augment} has {@code crop}, else null
     * @throws IllegalArgumentException naming the field, if {@code dataset} is null, a limit is below 1,
     *                                  {@code valSplit} is outside [0, 1), a folder data set lacks its folder or has
     *                                  fewer than 2 class names, a built-in data set sets a folder-only field,
     *                                  {@code augment} is not a canonical value, or {@code cropPadding} is set
     *                                  without {@code crop}, missing with it, or negative
     */
    public DataConfig {
        Checks.present(dataset, "data.dataset");
        Checks.present(augment, "data.augment");
        if (!AUGMENTATIONS.contains(augment)) {
            throw new IllegalArgumentException("data.augment must be one of " + String.join(" | ", AUGMENTATIONS)
                    + ", got '" + augment + "'");
        }
        boolean crop = List.of(augment.split(",")).contains(AUGMENT_CROP);
        if (crop && cropPadding == null) {
            throw new IllegalArgumentException("data.cropPadding is required with data.augment '" + augment + "'");
        }
        if (!crop && cropPadding != null) {
            throw new IllegalArgumentException("data.cropPadding is for data.augment with 'crop' only, not '"
                    + augment + "'");
        }
        if (crop) {
            Checks.atLeast("data.cropPadding", cropPadding, 0);
        }
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
        return new DataConfig(dataset, trainLimit, testLimit, null, 0, false, false, null, AUGMENT_NONE, null);
    }

    /**
     * The same data with another augmentation of the training images.
     *
     * @param augment     one of {@link #AUGMENTATIONS}
     * @param cropPadding the padding for {@code crop}, else null
     * @return a copy differing only in {@link #augment} and {@link #cropPadding}
     * @throws IllegalArgumentException as the constructor, for an invalid pair
     */
    public DataConfig withAugmentation(String augment, Integer cropPadding) {
        return new DataConfig(dataset, trainLimit, testLimit, folder, valSplit, allowEmptyClasses, skipBadImages,
                classNames, augment, cropPadding);
    }

    /**
     * The canonical spelling of an augmentation written as comma-separated steps in any order and case, with
     * spaces: {@code "Flip, crop"} is {@code crop,flip}.
     *
     * @param spec the steps ({@code none}, {@code crop}, {@code resized-crop}, {@code flip}); not null
     * @return one of {@link #AUGMENTATIONS}
     * @throws IllegalArgumentException if a step is unknown or repeated, {@code none} is combined with a step, or
     *                                  {@code crop} with {@code resized-crop}
     */
    public static String canonicalAugment(String spec) {
        List<String> steps = new ArrayList<>();
        for (String raw : spec.split(",", -1)) {
            String step = raw.strip().toLowerCase(Locale.ROOT);
            if (!List.of(AUGMENT_NONE, AUGMENT_CROP, AUGMENT_RESIZED_CROP, AUGMENT_FLIP).contains(step)) {
                throw new IllegalArgumentException("unknown augmentation step '" + raw.strip() + "'");
            }
            if (steps.contains(step)) {
                throw new IllegalArgumentException("augmentation step '" + step + "' is given twice");
            }
            steps.add(step);
        }
        if (steps.contains(AUGMENT_NONE) && steps.size() > 1) {
            throw new IllegalArgumentException("'none' cannot be combined with other augmentation steps");
        }
        if (steps.contains(AUGMENT_CROP) && steps.contains(AUGMENT_RESIZED_CROP)) {
            throw new IllegalArgumentException("'crop' and 'resized-crop' cannot be combined: choose one");
        }
        List<String> ordered = new ArrayList<>();
        for (String step : List.of(AUGMENT_NONE, AUGMENT_CROP, AUGMENT_RESIZED_CROP, AUGMENT_FLIP)) {
            if (steps.contains(step)) {
                ordered.add(step);
            }
        }
        return String.join(",", ordered);
    }

    /**
     * The steps of {@link #augment}, in order.
     *
     * @return the comma-separated steps; empty for {@code none}
     */
    public List<String> augmentSteps() {
        return augment.equals(AUGMENT_NONE) ? List.of() : List.of(augment.split(","));
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
