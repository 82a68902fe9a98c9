package org.vgg4j.datasets;

import java.util.List;
import java.util.Objects;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.train.Batch;
import org.vgg4j.core.train.BatchSource;
import org.vgg4j.core.train.BatchStream;
import org.vgg4j.datasets.image.DecodedImage;
import org.vgg4j.datasets.image.PixelFormat;
import org.vgg4j.datasets.transform.Augmentation;
import org.vgg4j.datasets.transform.Image;

/**
 * Serves an {@link ImageFolder} as batches of {@code [N, C, S, S]} float images in [0, 1], decoding each file when its
 * batch is made on the background thread (nothing is held but paths): {@code C} is 1 (PIL's {@code convert('L')}) or
 * 3 ({@code convert('RGB')}), and every image is resized to {@code S x S} with PIL's bilinear filter and scaled as
 * torchvision's {@code Resize((S, S))} + {@code ToTensor()} do, the same pixels as {@link DataLoader}'s default. The
 * epoch order is {@link DataLoader}'s: a seeded shuffle that depends only on the seed and the epoch, so a run resumes
 * at any batch. An {@link Augmentation} (for a training split) runs on the background thread too, with
 * {@link DataLoader}'s per-sample randomness. Immutable and thread-safe; each stream is for one consumer.
 */
public final class FolderLoader implements BatchSource {
    private final ImageFolder folder;
    private final int batchSize;
    private final int imageSize;
    private final PixelFormat pixels;
    private final long seed;
    private final boolean shuffle;
    private final int prefetch;
    private final int size;
    private final Augmentation augmentation;

    private FolderLoader(Builder b) {
        this.folder = b.folder;
        this.batchSize = b.batchSize;
        this.imageSize = b.imageSize;
        this.pixels = b.pixels;
        this.seed = b.seed;
        this.shuffle = b.shuffle;
        this.prefetch = b.prefetch;
        this.size = b.limit < 0 ? folder.size() : Math.min(b.limit, folder.size());
        this.augmentation = b.augmentation;
        augmentation.requireOutputSize(imageSize);
    }

    /**
     * A builder over {@code folder}; defaults: batch 64, 224x224, grey, seed 0, shuffled, 2 batches ahead.
     *
     * @param folder the scanned image folder to serve; not null
     * @return a new builder
     */
    public static Builder builder(ImageFolder folder) {
        return new Builder(folder);
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    /**
     * Side of the square images in each batch.
     *
     * @return the height and width every image is resized to, in pixels
     */
    public int imageSize() {
        return imageSize;
    }

    /**
     * Channels of each image: 1 (grey) or 3 (RGB).
     *
     * @return 1 or 3
     */
    public int channels() {
        return pixels.channels();
    }

    /**
     * The folder served.
     *
     * @return the folder given to the builder (before the builder's {@code limit})
     */
    public ImageFolder folder() {
        return folder;
    }

    /**
     * Class name of each label.
     *
     * @return the folder's class names, index = label
     */
    public List<String> classNames() {
        return folder.classNames();
    }

    /**
     * The order in which epoch {@code epoch} visits the samples, as {@link DataLoader#order(int)}.
     *
     * @param epoch the epoch number, at least 0
     * @return a new permutation of {@code 0 .. size()-1}
     * @throws IllegalArgumentException if {@code epoch < 0}
     */
    public int[] order(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        }
        return DataLoader.order(size, seed, epoch, shuffle);
    }

    /**
     * Batch {@code index} of epoch {@code epoch}, decoded on the calling thread.
     *
     * @param epoch the epoch number, at least 0
     * @param index the batch index within the epoch, from 0 to {@code batchesPerEpoch() - 1}
     * @return the batch: up to {@code batchSize()} decoded, resized images and their labels
     * @throws org.vgg4j.datasets.image.ImageDecodeException naming the file when an image of the batch does not decode
     */
    public Batch batch(int epoch, int index) {
        return makeBatch(epoch, order(epoch), index);
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
                "vgg4j-folder-loader-epoch-" + epoch);
    }

    private Batch makeBatch(int epoch, int[] order, int index) {
        int from = index * batchSize;
        int to = Math.min(from + batchSize, order.length);
        if (from >= to) {
            throw new IllegalArgumentException("batch " + index + " is past the end of the epoch (" + batchesPerEpoch()
                    + " batches)");
        }
        int n = to - from;
        int c = pixels.channels();
        int plane = imageSize * imageSize;
        float[] images = new float[n * c * plane];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int sample = order[from + i];
            int base = i * c * plane;
            labels[i] = folder.label(sample);
            if (!augmentation.isNone()) {
                DecodedImage stored = folder.decode(sample, pixels);
                DecodedImage img = augmentation.cropsStoredImage() ? stored : stored.resized(imageSize, imageSize);
                Image out = augmentation.apply(Image.ofInterleaved(c, img.height(), img.width(), img.samples()),
                        seed, epoch, sample);
                System.arraycopy(out.values(), 0, images, base, c * plane);
                continue;
            }
            DecodedImage img = folder.decode(sample, pixels).resized(imageSize, imageSize);
            byte[] s = img.samples();
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < plane; p++) {
                    images[base + ch * plane + p] = (s[p * c + ch] & 0xFF) / 255f;
                }
            }
        }
        return new Batch(Tensor.wrap(Shape.of(n, c, imageSize, imageSize), images), labels);
    }

    /** Configures a {@link FolderLoader}. */
    public static final class Builder {
        private final ImageFolder folder;
        private int batchSize = 64;
        private int imageSize = 224;
        private PixelFormat pixels = PixelFormat.GREY;
        private long seed;
        private boolean shuffle = true;
        private int limit = -1;
        private int prefetch = 2;
        private Augmentation augmentation = Augmentation.none();

        private Builder(ImageFolder folder) {
            this.folder = Objects.requireNonNull(folder, "folder");
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
         * Side of the square images served (default 224); every image is resized to it.
         *
         * @param s height and width in pixels, at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code s < 1}
         */
        public Builder imageSize(int s) {
            if (s <= 0) {
                throw new IllegalArgumentException("image size must be positive, got " + s);
            }
            this.imageSize = s;
            return this;
        }

        /**
         * Channels per image, the model's input channels: 1 (grey, the default) or 3 (RGB).
         *
         * @param channels 1 or 3
         * @return this builder
         * @throws IllegalArgumentException for any other number
         */
        public Builder channels(int channels) {
            this.pixels = PixelFormat.forChannels(channels);
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
         * Whether to shuffle each epoch (default true; false for evaluation keeps the folder's order).
         *
         * @param s true to shuffle
         * @return this builder
         */
        public Builder shuffle(boolean s) {
            this.shuffle = s;
            return this;
        }

        /**
         * Use only the first {@code n} samples (in the folder's order); negative for all (the default).
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
        public FolderLoader build() {
            return new FolderLoader(this);
        }
    }
}
