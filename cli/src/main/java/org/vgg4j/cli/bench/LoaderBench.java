package org.vgg4j.cli.bench;

import org.vgg4j.core.train.Batch;
import org.vgg4j.core.train.BatchStream;
import org.vgg4j.datasets.DataLoader;
import org.vgg4j.datasets.ImageDataset;
import org.vgg4j.datasets.transform.Augmentation;

/**
 * Measures the data pipeline alone: {@link DataLoader}'s background batch stream over a real data set, resized to the
 * training size as {@code vgg4j train} does, consumed as fast as it comes, in images per second. Training cannot run
 * faster than this, so it should be several times the training throughput.
 */
public final class LoaderBench {
    private LoaderBench() {
    }

    /**
     * Streams {@code warmup + batches} batches of epoch 0 and times the last {@code batches}.
     *
     * @param data      the training split
     * @param size      side of the resized images
     * @param batchSize samples per batch
     * @param warmup    untimed batches first (the stream's thread start and the first resize tables)
     * @param batches   timed batches, at least 1
     * @return images per second over the timed batches
     */
    public static double imagesPerSecond(ImageDataset data, int size, int batchSize, int warmup, int batches) {
        return imagesPerSecond(data, size, batchSize, warmup, batches, Augmentation.none());
    }

    /**
     * As {@link #imagesPerSecond(ImageDataset, int, int, int, int)}, with every image augmented on the loader's
     * thread as {@code vgg4j train --augment} does.
     *
     * @param data         the training split
     * @param size         side of the resized images
     * @param batchSize    samples per batch
     * @param warmup       untimed batches first
     * @param batches      timed batches, at least 1
     * @param augmentation the augmentation of every image (its crops make {@code size x size} images)
     * @return images per second over the timed batches
     */
    public static double imagesPerSecond(ImageDataset data, int size, int batchSize, int warmup, int batches,
            Augmentation augmentation) {
        if (batches < 1 || warmup < 0) {
            throw new IllegalArgumentException("need warmup >= 0 and batches >= 1, got " + warmup + " and " + batches);
        }
        DataLoader loader = DataLoader.builder(data).batchSize(batchSize).imageSize(size).seed(0)
                .augmentation(augmentation).build();
        if (loader.batchesPerEpoch() < warmup + batches) {
            throw new IllegalArgumentException("the data has " + loader.batchesPerEpoch() + " batches of " + batchSize
                    + ", fewer than the " + (warmup + batches) + " asked");
        }
        try (BatchStream stream = loader.epoch(0, 0)) {
            for (int i = 0; i < warmup; i++) {
                stream.next();
            }
            long images = 0;
            long t0 = System.nanoTime();
            for (int i = 0; i < batches; i++) {
                Batch b = stream.next();
                images += b.size();
            }
            return images / ((System.nanoTime() - t0) / 1e9);
        }
    }

    /**
     * Images per second of CPU time of the thread that makes the batches: {@code batches} batches of epoch 0 made
     * with {@link DataLoader#batch} on the calling thread (the work the loader's background thread does), timed by
     * the thread's CPU clock, so other processes on a loaded machine barely change it.
     *
     * @param data         the training split
     * @param size         side of the resized images
     * @param batchSize    samples per batch
     * @param batches      timed batches after one untimed, at least 1
     * @param augmentation the augmentation of every image
     * @return images per CPU-second
     */
    public static double imagesPerCpuSecond(ImageDataset data, int size, int batchSize, int batches,
            Augmentation augmentation) {
        DataLoader loader = DataLoader.builder(data).batchSize(batchSize).imageSize(size).seed(0)
                .augmentation(augmentation).build();
        if (batches < 1 || loader.batchesPerEpoch() < batches + 1) {
            throw new IllegalArgumentException("need 1 to " + (loader.batchesPerEpoch() - 1) + " batches, got "
                    + batches);
        }
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        loader.batch(0, 0);
        long images = 0;
        long t0 = threads.getCurrentThreadCpuTime();
        for (int k = 1; k <= batches; k++) {
            images += loader.batch(0, k).size();
        }
        return images / ((threads.getCurrentThreadCpuTime() - t0) / 1e9);
    }
}
