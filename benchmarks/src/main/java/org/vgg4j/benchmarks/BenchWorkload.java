package org.vgg4j.benchmarks;

import java.util.Random;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.param.Initializer;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.models.vgg.Vgg;
import org.vgg4j.models.vgg.VggConfig;
import org.vgg4j.models.vgg.VggVariant;

/**
 * One benchmark workload of issue 6: the d2l narrow VGG-11 (ratio 8, dropout 0.5) at {@code size}x{@code size} with
 * seeded PyTorch-default weights, a seeded batch of uniform [0, 1) images and labels; batch 128 at 32x32, else 64
 * (the same workloads, weights and inputs as {@code vgg4j bench}).
 *
 * @param network    the network
 * @param parameters its initial weights
 * @param images     one batch {@code [batch, 1, size, size]}
 * @param labels     the batch's labels
 */
public record BenchWorkload(Network network, Parameters parameters, Tensor images, int[] labels) {

    /**
     * The batch for {@code size}: 128 at 32x32 and below, else 64.
     *
     * @param size image height and width in pixels
     * @return 128 when {@code size <= 32}, else 64
     */
    public static int defaultBatch(int size) {
        return size <= 32 ? 128 : 64;
    }

    /**
     * The workload at {@code size} with {@code batch} images (0 = {@link #defaultBatch}), seeded by {@code seed}.
     *
     * @param size  image height and width in pixels, a multiple of 32
     * @param batch images in the batch, or 0 (or less) for {@link #defaultBatch}
     * @param seed  seed of the weights, the images (uniform in [0, 1)) and the labels (seed + 1)
     * @return a d2l VGG-11 with ratio 8, its initialized parameters and one batch
     */
    public static BenchWorkload of(int size, int batch, long seed) {
        int n = batch > 0 ? batch : defaultBatch(size);
        Network net = Vgg.build(VggConfig.d2l(VggVariant.VGG11).withRatio(8).withImageSize(size));
        Parameters params = Parameters.initialize(net, Initializer.PYTORCH_DEFAULT, seed);
        Shape shape = net.sampleShape().prepend(n);
        Random random = new Random(seed);
        float[] data = new float[Math.toIntExact(shape.elementCount())];
        for (int i = 0; i < data.length; i++) {
            data[i] = random.nextFloat();
        }
        int[] labels = new Random(seed + 1).ints(n, 0, net.numClasses()).toArray();
        return new BenchWorkload(net, params, Tensor.wrap(shape, data), labels);
    }
}
