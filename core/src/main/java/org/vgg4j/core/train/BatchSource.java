package org.vgg4j.core.train;

/**
 * A data set seen as batches: epoch {@code e} yields every sample once, in an order that depends only on the source's
 * seed and {@code e}, so an interrupted run can resume at any batch and see the same data.
 */
public interface BatchSource {

    /** Number of samples. */
    int size();

    /** Samples per batch; the last batch of an epoch may be smaller. */
    int batchSize();

    /** Batches per epoch, the last partial batch included. */
    default int batchesPerEpoch() {
        return (size() + batchSize() - 1) / batchSize();
    }

    /**
     * The batches of epoch {@code epoch} (0-based), starting at batch {@code firstBatch} (0 for the whole epoch).
     */
    BatchStream epoch(int epoch, int firstBatch);
}
