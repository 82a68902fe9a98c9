package org.vgg4j.datasets;

import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.train.Batch;
import org.vgg4j.core.train.BatchSource;
import org.vgg4j.core.train.BatchStream;
import org.vgg4j.datasets.transform.Augmentation;
import org.vgg4j.datasets.transform.Image;

/**
 * Serves an {@link ImageDataset} as batches of {@code [N, 1, S, S]} float images in [0, 1] (resized to
 * {@code S x S} as d2l's {@code Resize} + {@code ToTensor} do) with their labels. Epoch {@code e} visits every sample
 * once, in an order that depends only on the seed and {@code e} (a seeded Fisher-Yates shuffle, or the stored order
 * when shuffling is off), so {@code epoch(e, k)} yields exactly batches {@code k..} of the full epoch and a run can
 * resume mid-epoch. The last batch keeps the remainder (it may be smaller). Batches are prepared on a background
 * thread a few ahead of the consumer, augmented there when an {@link Augmentation} is set (a training split): each
 * sample's random choices depend only on the seed, the epoch and its index ({@link
 * org.vgg4j.datasets.transform.SampleRandom}), so a resumed epoch sees the same pixels. Immutable and thread-safe;
 * each stream is for one consumer.
 */
public final class DataLoader implements BatchSource {
    private final ImageDataset data;
    private final int batchSize;
    private final long seed;
    private final boolean shuffle;
    private final int prefetch;
    private final Resizer resizer;
    private final Augmentation augmentation;
    /** The last order computed, so {@link #batch} does not reshuffle for every batch. */
    private volatile EpochOrder lastOrder;

    private record EpochOrder(int epoch, int[] order) {
    }

    private DataLoader(Builder b) {
        this.data = b.limit < 0 ? b.data : b.data.limit(b.limit);
        this.batchSize = b.batchSize;
        this.seed = b.seed;
        this.shuffle = b.shuffle;
        this.prefetch = b.prefetch;
        int size = b.imageSize > 0 ? b.imageSize : data.rows();
        this.resizer = new Resizer(data.rows(), data.cols(), size, size, b.resizeMode);
        this.augmentation = b.augmentation;
        augmentation.requireOutputSize(size);
    }

    /**
     * A builder over {@code data}; defaults: batch 64, image size = the data's, seed 0, shuffled, 2 batches ahead.
     *
     * @param data the split to serve; not null
     * @return a new builder
     */
    public static Builder builder(ImageDataset data) {
        return new Builder(data);
    }

    @Override
    public int size() {
        return data.size();
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    /**
     * Side of the square images in each batch.
     *
     * @return the height and width of the served images, in pixels
     */
    public int imageSize() {
        return resizer.outRows();
    }

    /**
     * The data served (after the subset limit).
     *
     * @return the split, limited to the builder's {@code limit} samples
     */
    public ImageDataset data() {
        return data;
    }

    /**
     * Class name of each label.
     *
     * @return the data set's class names, index = label
     */
    public List<String> classNames() {
        return data.classNames();
    }

    /**
     * The seed of the shuffle.
     *
     * @return the seed given to the builder (0 by default)
     */
    public long seed() {
        return seed;
    }

    /**
     * The augmentation of every served image.
     *
     * @return the builder's augmentation ({@link Augmentation#none()} by default)
     */
    public Augmentation augmentation() {
        return augmentation;
    }

    /**
     * The order in which epoch {@code epoch} visits the samples: a permutation of {@code 0 .. size()-1} that depends
     * only on the seed and {@code epoch} (the identity when shuffling is off).
     *
     * @param epoch the epoch number, from 0
     * @return a new array of {@code size()} sample indices
     */
    public int[] order(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        }
        return order(data.size(), seed, epoch, shuffle);
    }

    /** The permutation of {@code 0 .. n-1} that epoch {@code epoch} visits (shared with {@link FolderLoader}). */
    static int[] order(int n, long seed, int epoch, boolean shuffle) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (shuffle) {
            SplittableRandom rnd = new SplittableRandom(mix(seed, epoch));
            for (int i = n - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        return order;
    }

    /**
     * Batch {@code index} of epoch {@code epoch}, computed on the calling thread.
     *
     * @param epoch the epoch number, from 0
     * @param index the batch index within the epoch, from 0 to {@code batchesPerEpoch() - 1}
     * @return the batch: up to {@code batchSize()} images and their labels (the last batch may be smaller)
     * @throws IllegalArgumentException if {@code index} is past the end of the epoch
     */
    public Batch batch(int epoch, int index) {
        EpochOrder cached = lastOrder;
        if (cached == null || cached.epoch() != epoch) {
            cached = new EpochOrder(epoch, order(epoch));
            lastOrder = cached;
        }
        return makeBatch(epoch, cached.order(), index);
    }

    @Override
    public BatchStream epoch(int epoch, int firstBatch) {
        int batches = batchesPerEpoch();
        if (firstBatch < 0 || firstBatch > batches) {
            throw new IllegalArgumentException("first batch " + firstBatch + " is outside [0, " + batches
                    + "] for " + batches + " batches per epoch");
        }
        int[] order = order(epoch);
        return new PrefetchingBatchStream(index -> makeBatch(epoch, order, index), firstBatch, batches, prefetch,
                "vgg4j-loader-" + data.split().name().toLowerCase(java.util.Locale.ROOT) + "-epoch-" + epoch);
    }

    Batch makeBatch(int epoch, int[] order, int index) {
        int from = index * batchSize;
        int to = Math.min(from + batchSize, order.length);
        if (from >= to) {
            throw new IllegalArgumentException("batch " + index + " is past the end of the epoch (" + batchesPerEpoch()
                    + " batches)");
        }
        int n = to - from;
        int per = resizer.outSize();
        int inPer = data.rows() * data.cols();
        float[] images = new float[n * per];
        int[] labels = new int[n];
        byte[] pixels = data.pixelArray();
        for (int i = 0; i < n; i++) {
            int sample = order[from + i];
            if (augmentation.isNone()) {
                resizer.resize(pixels, sample * inPer, images, i * per);
            } else {
                Image in;
                if (augmentation.cropsStoredImage()) {
                    in = Image.ofPlanes(1, data.rows(), data.cols(), pixels, sample * inPer);
                } else {
                    float[] resized = new float[per];
                    resizer.resize(pixels, sample * inPer, resized, 0);
                    in = new Image(1, resizer.outRows(), resizer.outCols(), resized);
                }
                Image out = augmentation.apply(in, seed, epoch, sample);
                System.arraycopy(out.values(), 0, images, i * per, per);
            }
            labels[i] = data.label(sample);
        }
        return new Batch(Tensor.wrap(Shape.of(n, 1, resizer.outRows(), resizer.outCols()), images), labels);
    }

    /** SplitMix64 of seed and epoch: nearby seeds and epochs give unrelated shuffles. */
    static long mix(long seed, int epoch) {
        long z = seed * 0x9E3779B97F4A7C15L + (epoch + 1) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Configures a {@link DataLoader}. */
    public static final class Builder {
        private final ImageDataset data;
        private int batchSize = 64;
        private int imageSize = -1;
        private long seed;
        private boolean shuffle = true;
        private int limit = -1;
        private int prefetch = 2;
        private ResizeMode resizeMode = ResizeMode.PIL;
        private Augmentation augmentation = Augmentation.none();

        private Builder(ImageDataset data) {
            this.data = Objects.requireNonNull(data, "data");
        }

        /**
         * Samples per batch (default 64).
         *
         * @param n samples per batch, at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code n < 1}
         */
        public Builder batchSize(int n) {
            if (n <= 0) {
                throw new IllegalArgumentException("batch size must be positive, got " + n);
            }
            this.batchSize = n;
            return this;
        }

        /**
         * Side of the square images served (default: the data's own size, no resizing).
         *
         * @param size height and width in pixels, at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code size < 1}
         */
        public Builder imageSize(int size) {
            if (size <= 0) {
                throw new IllegalArgumentException("image size must be positive, got " + size);
            }
            this.imageSize = size;
            return this;
        }

        /**
         * Seed of the per-epoch shuffle (default 0).
         *
         * @param s the seed; any value
         * @return this builder
         */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /**
         * Whether to shuffle each epoch (default true; false for evaluation keeps the stored order).
         *
         * @param s true to shuffle
         * @return this builder
         */
        public Builder shuffle(boolean s) {
            this.shuffle = s;
            return this;
        }

        /**
         * Use only the first {@code n} samples (for quick runs); negative for all (the default).
         *
         * @param n the most samples to serve, or a negative number for all
         * @return this builder
         */
        public Builder limit(int n) {
            this.limit = n < 0 ? -1 : n;
            return this;
        }

        /**
         * How many batches the background thread prepares ahead (default 2).
         *
         * @param n batches prepared ahead, at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code n < 1}
         */
        public Builder prefetch(int n) {
            if (n <= 0) {
                throw new IllegalArgumentException("prefetch must be positive, got " + n);
            }
            this.prefetch = n;
            return this;
        }

        /**
         * How images are resized (default {@link ResizeMode#PIL}, what d2l's pipeline gives).
         *
         * @param mode the resize arithmetic; not null
         * @return this builder
         */
        public Builder resizeMode(ResizeMode mode) {
            this.resizeMode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * The augmentation of every served image (default none): set it for a training split only. Its random
         * choices for a sample depend on this loader's {@link #seed}, the epoch and the sample's index alone.
         *
         * @param a the pipeline; every crop in it must make images of the served size; not null
         * @return this builder
         */
        public Builder augmentation(Augmentation a) {
            this.augmentation = Objects.requireNonNull(a, "augmentation");
            return this;
        }

        /**
         * The loader configured so far.
         *
         * @return a new loader
         * @throws IllegalArgumentException if a crop of the augmentation makes images of another size than served
         */
        public DataLoader build() {
            return new DataLoader(this);
        }
    }
}
