package org.vgg4j.datasets;

/** Which part of a data set: the training images or the held-out test images. */
public enum Split {
    TRAIN("train"),
    TEST("t10k");

    private final String filePrefix;

    Split(String filePrefix) {
        this.filePrefix = filePrefix;
    }

    /** The prefix of this split's IDX file names: {@code train} or {@code t10k}. */
    public String filePrefix() {
        return filePrefix;
    }
}
