package org.vgg4j.cli;

import java.nio.file.Path;
import java.util.Locale;
import org.vgg4j.datasets.DataLocation;
import org.vgg4j.datasets.DataLocator;
import org.vgg4j.datasets.DatasetSpec;
import org.vgg4j.datasets.FashionMnist;
import org.vgg4j.datasets.ImageDataset;
import org.vgg4j.datasets.Mnist;
import org.vgg4j.datasets.Split;
import picocli.CommandLine.Option;

/**
 * The options that choose and find a data set: which one, an explicit directory, whether it may be downloaded, and
 * whether checksums are verified.
 */
public final class DataOptions {
    @Option(names = "--dataset", defaultValue = "fashion-mnist", description = "fashion-mnist or mnist (default: ${DEFAULT-VALUE})")
    String dataset;

    @Option(names = "--data-dir", description = "directory holding the IDX files (else $VGG4J_DATA, the user cache, the Debian package, a download)")
    Path dataDir;

    @Option(names = "--download", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "download the data set from its official host into the user cache if it is nowhere else (default: ${DEFAULT-VALUE})")
    boolean download;

    @Option(names = "--verify", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "verify the SHA-256 of the data files; --no-verify for custom data in the same format (default: ${DEFAULT-VALUE})")
    boolean verify;

    /**
     * The chosen data set's description.
     *
     * @return the specification of the data set named by {@code --dataset}
     */
    public DatasetSpec spec() {
        return spec(dataset);
    }

    /** The built-in data set called {@code name}. */
    public static DatasetSpec spec(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "fashion-mnist", "fashion_mnist", "fashionmnist" -> FashionMnist.SPEC;
            case "mnist" -> Mnist.SPEC;
            default -> throw new UsageException("unknown --dataset '" + name + "': use fashion-mnist or mnist");
        };
    }

    /** Finds the chosen data set (possibly downloading it). */
    public DataLocation locate() {
        return locate(spec());
    }

    /** Finds {@code spec}'s files here (possibly downloading them), as these options say. */
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
