package org.vgg4j.core.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.vgg4j.core.DType;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.param.Initializer;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.layer.AdaptiveAvgPool2d;
import org.vgg4j.core.layer.AvgPool2d;
import org.vgg4j.core.layer.BatchNorm2d;
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
 * Seeded inputs, labels and small networks for tests of every module.
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
     * Batch norm's weight is drawn from U(0.5, 1.5); buffers keep their initial values.
     */
    public static Parameters unitScale(Network net, long seed) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        SplittableRandom rng = new SplittableRandom(seed);
        for (ParameterSpec p : net.parameterSpecs()) {
            float[] v = new float[Math.toIntExact(p.shape().elementCount())];
            if (!p.trainable()) {
                // buffers (batch norm's running statistics) keep their initial value, drawing no random number
                double init = p.init().pytorchDefault().sample(rng);
                if (p.dtype() == DType.I64) {
                    long[] l = new long[v.length];
                    java.util.Arrays.fill(l, (long) init);
                    out.put(p.name(), Tensor.wrapLongs(p.shape(), l));
                } else {
                    java.util.Arrays.fill(v, (float) init);
                    out.put(p.name(), Tensor.wrap(p.shape(), v));
                }
                continue;
            }
            if (p.shape().rank() == 1 && p.name().endsWith(".weight")) {
                // a per-channel scale (batch norm's weight): U(0.5, 1.5), near its initial 1
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) rng.nextDouble(0.5, 1.5);
                }
                out.put(p.name(), Tensor.wrap(p.shape(), v));
                continue;
            }
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
     * A small network of every layer torchvision's batch-norm VGGs add, on 2x7x9 inputs: conv 2->3, BN, ReLU, avg pool
     * 3/2 pad 1 (7x9 -> 4x5), BN (eps 1e-3, momentum 0.3), adaptive avg pool 4x5 -> 3x2, flatten, linear 18->4.
     */
    public static Network batchNormNetwork() {
        Sequential features = Sequential.of(Conv2d.same3x3(2, 3), new BatchNorm2d(3), new Relu(),
                new AvgPool2d(3, 2, 1), new BatchNorm2d(3, 1e-3, 0.3), new AdaptiveAvgPool2d(3, 2));
        Sequential fc = Sequential.of(new Flatten(), new Linear(18, 4));
        return new Network("bn-ref", new Sequential(List.of(new Sequential.Child("features", features),
                new Sequential.Child("fc", fc))), Shape.of(2, 7, 9));
    }

    /**
     * Unit-scale weights for {@link #batchNormNetwork}; BN weight, bias and running statistics drawn away from their
     * initial 1 / 0, and {@code num_batches_tracked} 3.
     */
    public static Parameters withBatchNormStatistics(Network network, long seed) {
        Map<String, Tensor> p = new LinkedHashMap<>(TestData.unitScale(network, seed).asMap());
        SplittableRandom rng = new SplittableRandom(seed + 1);
        for (ParameterSpec s : network.parameterSpecs()) {
            String local = s.name().substring(s.name().lastIndexOf('.') + 1);
            int n = Math.toIntExact(s.shape().elementCount());
            float[] v = new float[n];
            switch (local) {
                case "num_batches_tracked" -> p.put(s.name(), Tensor.ofLongs(s.shape(), new long[] {3}));
                case "running_mean", "running_var", "weight", "bias" -> {
                    if (!s.name().startsWith("features.1.") && !s.name().startsWith("features.4.")) {
                        continue;
                    }
                    for (int i = 0; i < n; i++) {
                        v[i] = (float) switch (local) {
                            case "running_mean" -> rng.nextDouble(-1, 1);
                            case "running_var" -> rng.nextDouble(0.3, 2.5);
                            case "weight" -> rng.nextDouble(0.5, 1.5);
                            default -> rng.nextDouble(-0.5, 0.5);
                        };
                    }
                    p.put(s.name(), Tensor.wrap(s.shape(), v));
                }
                default -> {
                }
            }
        }
        return Parameters.of(p);
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
     * A small network that exercises what VGG does not: three input channels, a strided unpadded convolution, a
     * convolution with padding larger than "same", an overlapping pool, a convolution without a following ReLU, and
     * dropout {@code dropout} between flatten and the linear layer; 7 classes.
     */
    public static Network oddNetwork(double dropout) {
        Sequential features = Sequential.of(new Conv2d(3, 4, 3, 2, 0), new Relu(), new Conv2d(4, 5, 3, 1, 2),
                new MaxPool2d(3, 2), new Conv2d(5, 6, 2, 1, 1), new Relu());
        Sequential head = Sequential.of(new Flatten(), new Dropout(dropout), new Linear(6 * 4 * 4, 12), new Relu(),
                new Linear(12, 7));
        return new Network("odd", new Sequential(List.of(new Sequential.Child("features", features),
                new Sequential.Child("fc", head))), Shape.of(3, 13, 11));
    }

    /** A small conv net on 1x32x32 whose training step allocates a few MB, for the memory checks. */
    public static Network memoryProbe() {
        Sequential block = Sequential.of(Conv2d.same3x3(1, 8), new Relu(), new MaxPool2d(2, 2),
                Conv2d.same3x3(8, 16), new Relu(), new MaxPool2d(2, 2));
        Sequential fc = Sequential.of(new Flatten(), new Linear(16 * 8 * 8, 10));
        return new Network("memory-probe", new Sequential(List.of(new Sequential.Child("features", block),
                new Sequential.Child("fc", fc))), Shape.of(1, 32, 32));
    }

    /**
     * A network of 4.2 million parameters that is cheap to run (one 1x32x32 input, a 1024-4096-10 head), so that an
     * optimizer's state is large (34 MB for Adam) next to everything else.
     */
    public static Network wideHead() {
        Sequential fc = Sequential.of(new Flatten(), new Linear(1024, 4096), new Relu(), new Linear(4096, 10));
        return new Network("wide-head", new Sequential(List.of(new Sequential.Child("fc", fc))), Shape.of(1, 32, 32));
    }

    /**
     * A seeded, learnable batch of 1x32x32 images for {@code labels}: half-strength uniform noise plus, for label k, a
     * bright 8x8 square in cell k of a 4x4 grid; like real images, the classes have features.
     */
    public static Tensor patternImages(int[] labels, long seed) {
        Tensor noise = images(Shape.of(labels.length, 1, 32, 32), seed);
        float[] d = noise.toArray();
        for (int n = 0; n < labels.length; n++) {
            int r0 = (labels[n] / 4) * 8;
            int c0 = (labels[n] % 4) * 8;
            for (int i = 0; i < 32 * 32; i++) {
                d[n * 1024 + i] *= 0.5f;
            }
            for (int r = r0; r < r0 + 8; r++) {
                for (int c = c0; c < c0 + 8; c++) {
                    d[n * 1024 + r * 32 + c] += 0.5f;
                }
            }
        }
        return Tensor.wrap(noise.shape(), d);
    }

    /**
     * PyTorch's default initialization with every weight scaled by sqrt(6): He-uniform weights (bound sqrt(6/fan_in),
     * which keeps activations at a steady scale through ReLU layers) and non-zero biases, so that even a deep VGG's
     * logits are of order one and an absolute tolerance of 1e-4 is a real test (both stock initializers give logits
     * near 1e-3).
     */
    public static Parameters heUniform(Network network, long seed) {
        Parameters base = Parameters.initialize(network, Initializer.PYTORCH_DEFAULT, seed);
        float scale = (float) Math.sqrt(6);
        Map<String, Tensor> out = new LinkedHashMap<>();
        base.asMap().forEach((name, t) -> {
            if (name.endsWith(".weight")) {
                float[] v = t.toArray();
                for (int i = 0; i < v.length; i++) {
                    v[i] *= scale;
                }
                out.put(name, Tensor.wrap(t.shape(), v));
            } else {
                out.put(name, t);
            }
        });
        return Parameters.of(out);
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
