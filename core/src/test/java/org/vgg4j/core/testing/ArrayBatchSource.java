package org.vgg4j.core.testing;

import java.util.SplittableRandom;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.train.Batch;
import org.vgg4j.core.train.BatchSource;
import org.vgg4j.core.train.BatchStream;

/**
 * An in-memory {@link BatchSource} over a fixed tensor of images and labels, shuffled per epoch from a seed.
 */
public final class ArrayBatchSource implements BatchSource {
    private final Tensor images;
    private final int[] labels;
    private final int batchSize;
    private final long seed;

    public ArrayBatchSource(Tensor images, int[] labels, int batchSize, long seed) {
        this.images = images;
        this.labels = labels.clone();
        this.batchSize = batchSize;
        this.seed = seed;
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    /** The sample order of epoch {@code epoch}. */
    public int[] order(int epoch) {
        int[] idx = new int[labels.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(seed * 31 + epoch);
        for (int i = idx.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        return idx;
    }

    @Override
    public BatchStream epoch(int epoch, int firstBatch) {
        int[] order = order(epoch);
        int per = images.size() / labels.length;
        return new BatchStream() {
            private int next = firstBatch;

            @Override
            public boolean hasNext() {
                return next < batchesPerEpoch();
            }

            @Override
            public Batch next() {
                int from = next * batchSize;
                int to = Math.min(labels.length, from + batchSize);
                float[] data = new float[(to - from) * per];
                int[] l = new int[to - from];
                float[] all = images.toArray();
                for (int i = from; i < to; i++) {
                    System.arraycopy(all, order[i] * per, data, (i - from) * per, per);
                    l[i - from] = labels[order[i]];
                }
                next++;
                return new Batch(Tensor.wrap(images.shape().withBatch(to - from), data), l);
            }

            @Override
            public void close() {
            }
        };
    }
}
