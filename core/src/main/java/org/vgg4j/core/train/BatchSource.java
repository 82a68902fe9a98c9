package org.vgg4j.core.train;

/**
 * A data set seen as batches: epoch {@code e} yields every sample once, in an order that depends only on the source's
 * seed and {@code e}, so an interrupted run can resume at any batch and see the same data.
 */
public interface BatchSource {

    /**
     * Number of samples.
     *
     * @return the samples in one epoch, >= 0
     */
    int size();

    /**
     * Samples per batch; the last batch of an epoch may be smaller.
     *
     * @return the batch size, >= 1
     */
    int batchSize();

    /**
     * Batches per epoch, the last partial batch included.
     *
     * @return {@code ceil(size() / batchSize())}
     */
    default int batchesPerEpoch() {
        return (size() + batchSize() - 1) / batchSize();
    }

    /**
     * The batches of epoch {@code epoch} (0-based), starting at batch {@code firstBatch} (0 for the whole epoch).
     *
     * @param epoch      0-based epoch index; it and the source's seed fix the sample order
     * @param firstBatch index of the first batch to yield, in [0, {@link #batchesPerEpoch()}]
     * @return a stream of the remaining batches, which the caller must close
     */
    BatchStream epoch(int epoch, int firstBatch);
}
