package org.vgg4j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.vgg4j.core.config.DataConfig;
import org.vgg4j.datasets.DataLocation;
import org.vgg4j.datasets.DataLocator;
import org.vgg4j.datasets.DatasetSpec;
import org.vgg4j.datasets.FashionMnist;
import org.vgg4j.datasets.FolderSplits;
import org.vgg4j.datasets.ImageFolder;
import org.vgg4j.datasets.ImageDataset;
import org.vgg4j.datasets.Mnist;
import org.vgg4j.datasets.Split;
import picocli.CommandLine.Option;

/**
 * The options that choose and find a data set: which one, an explicit directory, whether it may be downloaded, and
 * whether checksums are verified.
 */
public final class DataOptions {
    @Option(names = "--dataset", defaultValue = "fashion-mnist", description = "fashion-mnist, mnist, or folder (your own images in --data-dir) (default: ${DEFAULT-VALUE})")
    String dataset;

    @Option(names = "--data-dir", description = "directory holding the IDX files (else $VGG4J_DATA, the user cache, the Debian package, a download); with --dataset folder, the image folder (train/ + test/ or val/, or one tree with --val-split)")
    Path dataDir;

    @Option(names = "--download", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "download the data set from its official host into the user cache if it is nowhere else (default: ${DEFAULT-VALUE})")
    boolean download;

    @Option(names = "--verify", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "verify the SHA-256 of the data files; --no-verify for custom data in the same format (default: ${DEFAULT-VALUE})")
    boolean verify;

    @Option(names = "--val-split", defaultValue = "0", description = "with --dataset folder and no train/ + test/ subfolders: the fraction of each class held out for testing, a seeded split, in (0, 1) (default: ${DEFAULT-VALUE}, use the subfolders)")
    double valSplit;

    @Option(names = "--allow-empty-classes", description = "with --dataset folder: a class folder without images is a class with no samples, not an error")
    boolean allowEmptyClasses;

    @Option(names = "--skip-bad-images", description = "with --dataset folder: leave out (and count) images that do not decode instead of stopping (decodes each image once while scanning)")
    boolean skipBadImages;

    /** The splits of a scanned folder, kept so that a run scans its folder once. */
    private FolderSplits scanned;

    /**
     * Whether {@code name} is the image-folder data set.
     *
     * @param name a {@code --dataset} value; not null
     * @return true when {@code name} is {@code folder}, ignoring case
     */
    public static boolean isFolder(String name) {
        return name.equalsIgnoreCase(DataConfig.FOLDER);
    }

    /**
     * The data configuration of a folder named by these options: scans {@code --data-dir} (its class names go into
     * the configuration) with {@code seed} for a {@code --val-split}.
     *
     * @param trainLimit the most training samples to use, or null for all
     * @param testLimit  the most test samples to use, or null for all
     * @param seed       the seed of the {@code --val-split} shuffle (unused without a split)
     * @return a folder configuration whose class names are the class folders found in the scanned training split,
     *         without augmentation
     * @throws UsageException when {@code --data-dir} is missing or {@code --val-split} is out of range
     */
    public DataConfig folderConfig(Integer trainLimit, Integer testLimit, long seed) {
        if (dataDir == null) {
            throw new UsageException("--dataset folder needs --data-dir DIR, the folder of your images");
        }
        if (!(valSplit >= 0 && valSplit < 1)) {
            throw new UsageException("--val-split must be >= 0 and < 1, got " + valSplit);
        }
        String dir = dataDir.toAbsolutePath().normalize().toString();
        DataConfig config = new DataConfig(DataConfig.FOLDER, trainLimit, testLimit, dir, valSplit,
                allowEmptyClasses, skipBadImages, List.of("?", "?"), DataConfig.AUGMENT_NONE, null);
        scanned = splits(config, seed);
        return new DataConfig(DataConfig.FOLDER, trainLimit, testLimit, dir, valSplit, allowEmptyClasses,
                skipBadImages, scanned.train().classNames(), DataConfig.AUGMENT_NONE, null);
    }

    /**
     * The train and test folders {@code config} describes (scanned once per run), with {@code seed} for a split.
     *
     * @param config a folder data configuration, e.g. from {@link #folderConfig} or a resumed run
     * @param seed   the seed of the {@code --val-split} shuffle (unused without a split)
     * @return the scan made by {@link #folderConfig} when its class names match {@code config}'s, else a new scan
     */
    public FolderSplits splits(DataConfig config, long seed) {
        if (scanned != null && scanned.train().classNames().equals(config.classNames())) {
            return scanned;
        }
        FolderSplits s = FolderSplits.open(Path.of(config.folder()), new ImageFolder.Options(
                config.allowEmptyClasses(), config.skipBadImages()), config.valSplit(), seed);
        int skipped = s.train().skipped() + s.test().skipped();
        if (skipped > 0) {
            System.err.println("skipped " + skipped + " bad image(s) in " + config.folder()
                    + " (--skip-bad-images; each is logged)");
        }
        scanned = s;
        return s;
    }

    /**
     * The chosen data set's description.
     *
     * @return the specification of the data set named by {@code --dataset}
     */
    public DatasetSpec spec() {
        return spec(dataset);
    }

    /**
     * The built-in data set called {@code name}.
     *
     * @param name {@code fashion-mnist} (also {@code fashion_mnist}, {@code fashionmnist}) or {@code mnist}, any case
     * @return the data set's specification
     * @throws UsageException for any other name, including {@code folder}
     */
    public static DatasetSpec spec(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "fashion-mnist", "fashion_mnist", "fashionmnist" -> FashionMnist.SPEC;
            case "mnist" -> Mnist.SPEC;
            default -> throw new UsageException("unknown --dataset '" + name + "': use fashion-mnist, mnist or folder");
        };
    }

    /**
     * Finds the chosen data set (possibly downloading it).
     *
     * @return where the files of the {@code --dataset} data set are
     * @throws UsageException if {@code --dataset} names no built-in data set
     */
    public DataLocation locate() {
        return locate(spec());
    }

    /**
     * Finds {@code spec}'s files here (possibly downloading them), as these options say.
     *
     * @param spec the data set to find
     * @return where its files are: {@code --data-dir}, else {@code $VGG4J_DATA}, the user cache, the Debian package or
     *         a fresh download (when {@code --download} allows it)
     */
    public DataLocation locate(DatasetSpec spec) {
        return DataLocator.builder().dataDir(dataDir).allowDownload(download).verifyChecksums(verify)
                .hints("--data-dir DIR", "--download", "--no-verify").build().locate(spec);
    }

    /**
     * Loads one split, verifying checksums unless turned off.
     *
     * @param location where the data set's files are, from {@link #locate()}
     * @param split    the split to load
     * @return the split's images and labels
     */
    public ImageDataset load(DataLocation location, Split split) {
        return ImageDataset.load(location, split);
    }
}
