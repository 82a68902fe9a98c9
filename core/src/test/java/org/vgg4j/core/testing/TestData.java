package org.vgg4j.core.testing;

import java.util.List;
import java.util.SplittableRandom;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.layer.Conv2d;
import org.vgg4j.core.layer.Dropout;
import org.vgg4j.core.layer.Flatten;
import org.vgg4j.core.layer.Linear;
import org.vgg4j.core.layer.MaxPool2d;
import org.vgg4j.core.layer.Relu;
import org.vgg4j.core.layer.Sequential;

/**
 * Seeded inputs, labels and a tiny VGG-shaped network for tests of every module.
 */
public final class TestData {
    private TestData() {
    }

    /** Uniform [0, 1) images of {@code shape}, reproducible from {@code seed}. */
    public static Tensor images(Shape shape, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] data = new float[Math.toIntExact(shape.elementCount())];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) rng.nextDouble();
        }
        return Tensor.wrap(shape, data);
    }

    /** {@code n} labels uniform in [0, classes), reproducible from {@code seed}. */
    public static int[] labels(int n, int classes, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = rng.nextInt(classes);
        }
        return out;
    }

    /**
     * A tiny VGG-shaped network on 1x8x8 inputs: two blocks (conv 1->4, conv 4->4 + pool; conv 4->8 + pool) and a head
     * 32-16-10 with dropout {@code p}; names follow the VGG convention.
     */
    public static Network tinyVgg(double dropout) {
        Sequential block1 = Sequential.of(Conv2d.same3x3(1, 4), new Relu(), Conv2d.same3x3(4, 4), new Relu(),
                new MaxPool2d(2, 2));
        Sequential block2 = Sequential.of(Conv2d.same3x3(4, 8), new Relu(), new MaxPool2d(2, 2));
        Sequential fc = Sequential.of(new Flatten(), new Linear(32, 16), new Relu(), new Dropout(dropout),
                new Linear(16, 10));
        return new Network("tiny-vgg", new Sequential(List.of(new Sequential.Child("vgg_block_1", block1),
                new Sequential.Child("vgg_block_2", block2), new Sequential.Child("fc", fc))), Shape.of(1, 8, 8));
    }
}
