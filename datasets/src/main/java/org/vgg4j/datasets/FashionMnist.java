package org.vgg4j.datasets;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * Zalando's Fashion-MNIST (MIT licence): 60,000 training and 10,000 test greyscale 28x28 images of 10 kinds of
 * clothing, in the MNIST IDX format; the data set of the d2l VGG chapter.
 */
public final class FashionMnist {
    /** The class names, index = label (the order of the Fashion-MNIST README and d2l's {@code get_fashion_mnist_labels}). */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** Where the Fashion-MNIST README links the files. */
    public static final URI UPSTREAM = URI.create("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/");

    /** Where Debian's {@code dataset-fashion-mnist} package installs the (gzip) files. */
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /** The Debian package that installs the files. */
    public static final String DEBIAN_PACKAGE = "dataset-fashion-mnist";

    /** The data set description: files, SHA-256 of the decompressed files, classes, locations. */
    public static final DatasetSpec SPEC = new DatasetSpec("fashion-mnist", "Fashion-MNIST", CLASS_NAMES,
            DatasetSpec.checksums(
                    "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
                    "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
                    "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
                    "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
            List.of(UPSTREAM), List.of(DEBIAN_DIR), DEBIAN_PACKAGE);

    private FashionMnist() {
    }
}
