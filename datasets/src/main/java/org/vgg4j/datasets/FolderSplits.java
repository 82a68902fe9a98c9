package org.vgg4j.datasets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The training and test parts of a data directory of images: {@code dir/train/} and {@code dir/test/} (or
 * {@code dir/val/}) when both exist, each an {@link ImageFolder} with the same classes; otherwise, given a fraction
 * {@code valSplit} in (0, 1), a seeded stratified split of {@code dir} itself: in each class, a seeded shuffle picks
 * {@code round(valSplit * n)} images for the test part, and both parts keep the folder's order.
 *
 * @param train the training images
 * @param test  the held-out images
 * @param how   where the parts came from, for logs
 */
public record FolderSplits(ImageFolder train, ImageFolder test, String how) {

    /**
     * Checks that both parts exist and have the same classes.
     *
     * @param train the training images; not null
     * @param test  the held-out images; not null, with the same class names as {@code train}
     * @param how   where the parts came from, for logs
     * @throws DataFormatException if the two parts have different class names
     */
    public FolderSplits {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
        if (!train.classNames().equals(test.classNames())) {
            throw new DataFormatException("the training folder " + train.root() + " has classes "
                    + train.classNames() + " but the test folder " + test.root() + " has " + test.classNames()
                    + "; both need the same class folders");
        }
    }

    /**
     * Opens {@code dir} as described above; {@code valSplit} 0 means "use the train/ and test/ subfolders".
     *
     * @param dir      the data directory
     * @param options  how the folders are scanned (empty classes, bad images)
     * @param valSplit 0 to use the subfolders, or the fraction of each class held out for testing, in (0, 1)
     * @param seed     the seed of the per-class shuffles of a split (unused for subfolders)
     * @return the training and test parts
     * @throws DataFormatException      when {@code dir} has no {@code train/} + {@code test/} (or {@code val/}) and
     *                                  {@code valSplit} is 0, when the two have different classes, or when a split
     *                                  leaves a part empty; and as {@link ImageFolder#scan}
     * @throws IllegalArgumentException when {@code valSplit} is outside [0, 1)
     */
    public static FolderSplits open(Path dir, ImageFolder.Options options, double valSplit, long seed) {
        if (!(valSplit >= 0 && valSplit < 1)) {
            throw new IllegalArgumentException("--val-split must be in [0, 1), got " + valSplit);
        }
        Path train = dir.resolve("train");
        Path test = Files.isDirectory(dir.resolve("test")) ? dir.resolve("test") : dir.resolve("val");
        if (valSplit == 0) {
            if (!Files.isDirectory(train) || !Files.isDirectory(test)) {
                throw new DataFormatException("data directory " + dir + " has no train/ and test/ (or val/) "
                        + "subfolders; add them, or split " + dir + " itself with --val-split (e.g. 0.1)");
            }
            return new FolderSplits(ImageFolder.scan(train, options), ImageFolder.scan(test, options),
                    train + " and " + test);
        }
        return split(ImageFolder.scan(dir, options), valSplit, seed);
    }

    /**
     * The seeded stratified split of {@code all}: {@code round(valSplit * n)} of each class's n images for test.
     *
     * @param all      the scanned folder to split
     * @param valSplit the fraction of each class held out for testing, in (0, 1)
     * @param seed     the seed of the per-class shuffles; the same seed gives the same split
     * @return both parts as subsets of {@code all}, each in {@code all}'s order
     * @throws DataFormatException if the split leaves no test images or no training images
     */
    public static FolderSplits split(ImageFolder all, double valSplit, long seed) {
        int classes = all.classNames().size();
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < all.size(); i++) {
            byClass.get(all.label(i)).add(i);
        }
        boolean[] isTest = new boolean[all.size()];
        for (int c = 0; c < classes; c++) {
            List<Integer> idx = byClass.get(c);
            int[] perm = DataLoader.order(idx.size(), seed ^ 0x5EEDF01DL, c, true);
            long k = Math.round(valSplit * idx.size());
            for (int j = 0; j < k; j++) {
                isTest[idx.get(perm[j])] = true;
            }
        }
        int nTest = 0;
        for (boolean t : isTest) {
            nTest += t ? 1 : 0;
        }
        if (nTest == 0 || nTest == all.size()) {
            throw new DataFormatException("--val-split " + valSplit + " of " + all.size() + " images in "
                    + all.root() + " leaves " + (nTest == 0 ? "no test images" : "no training images"));
        }
        int[] train = new int[all.size() - nTest];
        int[] test = new int[nTest];
        int a = 0;
        int b = 0;
        for (int i = 0; i < isTest.length; i++) {
            if (isTest[i]) {
                test[b++] = i;
            } else {
                train[a++] = i;
            }
        }
        return new FolderSplits(all.subset(train), all.subset(test),
                "a seeded " + valSplit + " split of " + all.root() + " (seed " + seed + ", "
                        + train.length + " train, " + test.length + " test)");
    }
}
