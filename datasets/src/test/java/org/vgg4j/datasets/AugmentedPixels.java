package org.vgg4j.datasets;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import org.vgg4j.core.config.DataConfig;
import org.vgg4j.core.train.Batch;
import org.vgg4j.core.train.BatchStream;
import org.vgg4j.datasets.transform.Augmentation;

/**
 * The SHA-256 of every augmented batch of two epochs of a small data set, for several seeds and every
 * {@code --augment} value: run here and in another JVM ({@link #main}) by {@code AugmentationDeterminismTest}.
 */
public final class AugmentedPixels {
    private AugmentedPixels() {
    }

    /**
     * Prints {@link #digest}{@code (threads)} for {@code args[0]} threads (0: the loader's own stream).
     *
     * @param args the number of threads
     * @throws Exception never expected
     */
    public static void main(String[] args) throws Exception {
        System.out.println(digest(Integer.parseInt(args[0])));
    }

    /**
     * The digest of the pixels and labels of epochs 0 and 3 of every augmentation, seeds 0, 42 and -7.
     *
     * @param threads 0 to read each epoch from its background stream, else the number of threads that make the
     *                batches with {@link DataLoader#batch} in any order
     * @return lower-case hex SHA-256
     * @throws Exception never expected
     */
    public static String digest(int threads) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        ImageDataset data = SmallData.dataset(50, 28, 28, 3);
        for (String augment : DataConfig.AUGMENTATIONS) {
            DataConfig config = DataConfig.reference().withAugmentation(augment,
                    augment.startsWith(DataConfig.AUGMENT_CROP) ? 4 : null);
            for (long seed : new long[] {0, 42, -7}) {
                DataLoader loader = DataLoader.builder(data).batchSize(16).imageSize(32).seed(seed)
                        .augmentation(Augmentation.of(config, 32)).build();
                for (int epoch : new int[] {0, 3}) {
                    int e = epoch;
                    Batch[] batches = new Batch[loader.batchesPerEpoch()];
                    if (threads == 0) {
                        try (BatchStream stream = loader.epoch(epoch, 0)) {
                            for (int k = 0; k < batches.length; k++) {
                                batches[k] = stream.next();
                            }
                        }
                    } else {
                        ForkJoinPool pool = new ForkJoinPool(threads);
                        try {
                            pool.submit(() -> IntStream.range(0, batches.length).parallel()
                                    .forEach(k -> batches[batches.length - 1 - k] =
                                            loader.batch(e, batches.length - 1 - k))).get();
                        } finally {
                            pool.shutdown();
                        }
                    }
                    for (Batch b : batches) {
                        float[] v = b.images().toArray();
                        ByteBuffer buf = ByteBuffer.allocate(v.length * 4 + b.size() * 4)
                                .order(ByteOrder.LITTLE_ENDIAN);
                        for (float f : v) {
                            buf.putInt(Float.floatToRawIntBits(f));
                        }
                        for (int label : b.labels()) {
                            buf.putInt(label);
                        }
                        md.update(buf.array());
                    }
                }
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
