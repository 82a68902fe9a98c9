package org.vgg4j.spark;

import java.io.Serializable;

/**
 * How {@link DataParallelTraining#fit} trains: the trainable backend every worker and the driver run (by name), the
 * images per worker and step, epochs, the seed of the per-epoch shuffles and dropout masks, whether each worker
 * shuffles its shard every epoch, and the synchronisation.
 *
 * <p>With {@code averageEvery = 0} (the default) training is synchronous: every step each worker computes the
 * gradients of its {@code batchPerWorker} images, Spark sums them with {@code treeAggregate}, and the driver applies
 * one update of the mean gradient, which is the step one worker would take on the union of the shards' batches. With
 * {@code averageEvery = K > 0} each worker instead takes K optimizer steps on its own shard from the same start, and
 * the driver averages the workers' parameters and optimizer state (Deeplearning4j's parameter averaging): K times
 * fewer exchanges, not the same trajectory.
 *
 * <p>Serializable only so that Spark can ship it to executors running the same build; its serialized form is
 * not a stable format, so it is left out of the serialized-form documentation.
 *
 * @param backend        trainable backend name ({@code pytorch}, {@code tensorflow})
 * @param batchPerWorker images per worker and step
 * @param epochs         passes over every shard
 * @param seed           seed of the shuffles and of the dropout masks
 * @param shuffle        shuffle each shard every epoch (off: shard order)
 * @param averageEvery   0: synchronous gradients; K: average parameters every K local steps
 * @param treeDepth      depth of {@code treeAggregate}'s reduction tree (2 is Spark's default)
 * @serial exclude
 */
public record DataParallelOptions(String backend, int batchPerWorker, int epochs, long seed, boolean shuffle,
        int averageEvery, int treeDepth) implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * Checks the options.
     *
     * @param backend        trainable backend name; not blank
     * @param batchPerWorker images per worker and step, at least 1
     * @param epochs         passes over every shard, at least 1
     * @param seed           seed of the shuffles and of the dropout masks
     * @param shuffle        shuffle each shard every epoch
     * @param averageEvery   0 for synchronous gradients, or K &gt; 0 local steps between parameter averages
     * @param treeDepth      depth of {@code treeAggregate}'s reduction tree, at least 1
     * @throws IllegalArgumentException if a value is missing or out of range
     */
    public DataParallelOptions {
        if (backend == null || backend.isBlank()) {
            throw new IllegalArgumentException("a backend name is required");
        }
        if (batchPerWorker < 1 || epochs < 1) {
            throw new IllegalArgumentException("batch per worker and epochs must be >= 1, got " + batchPerWorker
                    + " and " + epochs);
        }
        if (averageEvery < 0) {
            throw new IllegalArgumentException("average every K steps needs K >= 0 (0: synchronous), got "
                    + averageEvery);
        }
        if (treeDepth < 1) {
            throw new IllegalArgumentException("tree depth must be >= 1, got " + treeDepth);
        }
    }

    /**
     * pytorch, 32 images per worker, 1 epoch, seed 42, shuffled, synchronous, tree depth 2.
     *
     * @return the default options
     */
    public static DataParallelOptions defaults() {
        return new DataParallelOptions("pytorch", 32, 1, 42, true, 0, 2);
    }

    /**
     * These options with another backend.
     *
     * @param name a trainable backend's name ({@code pytorch}, {@code tensorflow}); not blank
     * @return new options; these are unchanged
     * @throws IllegalArgumentException if {@code name} is null or blank
     */
    public DataParallelOptions withBackend(String name) {
        return new DataParallelOptions(name, batchPerWorker, epochs, seed, shuffle, averageEvery, treeDepth);
    }

    /**
     * These options with another per-worker batch size.
     *
     * @param n images per worker and step, at least 1 (the global batch is {@code n} times the number of workers)
     * @return new options; these are unchanged
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public DataParallelOptions withBatchPerWorker(int n) {
        return new DataParallelOptions(backend, n, epochs, seed, shuffle, averageEvery, treeDepth);
    }

    /**
     * These options with another number of epochs.
     *
     * @param n passes over every shard, at least 1
     * @return new options; these are unchanged
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public DataParallelOptions withEpochs(int n) {
        return new DataParallelOptions(backend, batchPerWorker, n, seed, shuffle, averageEvery, treeDepth);
    }

    /**
     * These options with another seed.
     *
     * @param s seed of the per-epoch shuffles and of the dropout masks; any value
     * @return new options; these are unchanged
     */
    public DataParallelOptions withSeed(long s) {
        return new DataParallelOptions(backend, batchPerWorker, epochs, s, shuffle, averageEvery, treeDepth);
    }

    /**
     * These options with shuffling on or off.
     *
     * @param on whether each worker shuffles its shard every epoch (off: the shard's order)
     * @return new options; these are unchanged
     */
    public DataParallelOptions withShuffle(boolean on) {
        return new DataParallelOptions(backend, batchPerWorker, epochs, seed, on, averageEvery, treeDepth);
    }

    /**
     * These options with another synchronisation.
     *
     * @param k 0 for synchronous gradient sums every step, or K &gt; 0 to average parameters every K local steps
     * @return new options; these are unchanged
     * @throws IllegalArgumentException if {@code k < 0}
     */
    public DataParallelOptions withAverageEvery(int k) {
        return new DataParallelOptions(backend, batchPerWorker, epochs, seed, shuffle, k, treeDepth);
    }
}
