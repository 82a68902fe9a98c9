package org.vgg4j.datasets;

/** Which part of a data set: the training images or the held-out test images. */
public enum Split {
    /** The training images, in files named {@code train-*}. */
    TRAIN("train"),
    /** The held-out test images, in files named {@code t10k-*}. */
    TEST("t10k");

    private final String filePrefix;

    Split(String filePrefix) {
        this.filePrefix = filePrefix;
    }

    /**
     * The prefix of this split's IDX file names: {@code train} or {@code t10k}.
     *
     * @return the file name prefix, e.g. {@code t10k} for {@code t10k-images-idx3-ubyte}
     */
    public String filePrefix() {
        return filePrefix;
    }
}
