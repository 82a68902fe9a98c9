package org.vgg4j.core.config;

/**
 * The data part of a {@link RunConfig}: which data set, and how much of each split a run uses.
 *
 * @param dataset    data set name ({@code fashion-mnist}, {@code mnist})
 * @param trainLimit the first N training images only, or null for all of them
 * @param testLimit  the first N test images only, or null for all of them
 */
public record DataConfig(String dataset, Integer trainLimit, Integer testLimit) {

    public DataConfig {
        Checks.present(dataset, "data.dataset");
        if (trainLimit != null) {
            Checks.positive("data.trainLimit", trainLimit);
        }
        if (testLimit != null) {
            Checks.positive("data.testLimit", testLimit);
        }
    }

    /** All of Fashion-MNIST. */
    public static DataConfig reference() {
        return new DataConfig("fashion-mnist", null, null);
    }
}
