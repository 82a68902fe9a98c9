package org.vgg4j.core.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.layer.Conv2d;
import org.vgg4j.core.layer.Dropout;
import org.vgg4j.core.layer.Flatten;
import org.vgg4j.core.layer.Layer;
import org.vgg4j.core.layer.Linear;
import org.vgg4j.core.layer.MaxPool2d;
import org.vgg4j.core.layer.ParameterSpec;
import org.vgg4j.core.layer.Relu;
import org.vgg4j.core.layer.Sequential;
import org.vgg4j.core.param.Parameters;

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
     * Parameters that keep activations near unit scale through any depth (weights N(0, 2/fan_in), biases
     * U(-0.1, 0.1)), so that logits are O(1) and move visibly with the input. Both standard initialisations shrink
     * the logits of small-input networks to about 1e-4, where any tolerance passes and any two inputs look alike.
     */
    public static Parameters unitScale(Network net, long seed) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        SplittableRandom rng = new SplittableRandom(seed);
        for (ParameterSpec p : net.parameterSpecs()) {
            float[] v = new float[Math.toIntExact(p.shape().elementCount())];
            // fan_in of a weight [out, in, ...] is its element count over out
            boolean weight = p.name().endsWith(".weight");
            double std = Math.sqrt(2.0 / (p.shape().elementCount() / p.shape().dim(0)));
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (weight ? rng.nextGaussian() * std : rng.nextDouble(-0.1, 0.1));
            }
            out.put(p.name(), Tensor.wrap(p.shape(), v));
        }
        return Parameters.of(out);
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

    /**
     * A random small network for property tests, drawn from {@code rng}: 1-3 blocks of 1-2 convolutions (kernels 1, 2,
     * 3 or 5, padding up to k/2, stride 1-3, 1-6 channels, ReLU most of the time) each followed by a max-pool (window
     * 2-3, stride 1-2) while the image is at least 2x2, then a head Flatten-Linear-ReLU-Linear to 2-10 classes; inputs
     * of 1-3 channels and 6-20 pixels.
     */
    public static Network randomNetwork(SplittableRandom rng, long seed) {
        int channels = 1 + rng.nextInt(3);
        int size = 6 + rng.nextInt(15);
        List<Sequential.Child> children = new ArrayList<>();
        int c = channels;
        int s = size;
        int blocks = 1 + rng.nextInt(3);
        for (int b = 1; b <= blocks && s >= 2; b++) {
            List<Layer> layers = new ArrayList<>();
            int convs = 1 + rng.nextInt(2);
            for (int i = 0; i < convs; i++) {
                int[] kernels = {1, 2, 3, 3, 5};
                int k = kernels[rng.nextInt(kernels.length)];
                int pad = rng.nextInt(k / 2 + 1);
                int stride = 1 + (rng.nextInt(3) == 0 ? 1 + rng.nextInt(2) : 0);
                if (s + 2 * pad < k) {
                    k = 1;
                    pad = 0;
                }
                int out = 1 + rng.nextInt(6);
                layers.add(new Conv2d(c, out, k, stride, pad));
                if (rng.nextInt(4) != 0) {
                    layers.add(new Relu());
                }
                s = (s + 2 * pad - k) / stride + 1;
                c = out;
            }
            if (s >= 2) {
                int pk = Math.min(s, 2 + rng.nextInt(2));
                int ps = 1 + rng.nextInt(2);
                layers.add(new MaxPool2d(pk, ps));
                s = (s - pk) / ps + 1;
            }
            children.add(new Sequential.Child("block_" + b, Sequential.of(layers)));
        }
        int hidden = 4 + rng.nextInt(13);
        int classes = 2 + rng.nextInt(9);
        children.add(new Sequential.Child("fc", Sequential.of(new Flatten(), new Linear(c * s * s, hidden),
                new Relu(), new Linear(hidden, classes))));
        return new Network("random-" + seed, new Sequential(children), Shape.of(channels, size, size));
    }
}
