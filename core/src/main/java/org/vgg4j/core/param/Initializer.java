package org.vgg4j.core.param;

import java.util.Locale;
import java.util.SplittableRandom;
import org.vgg4j.core.DType;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.layer.Distribution;
import org.vgg4j.core.layer.Initialization;
import org.vgg4j.core.layer.ParameterSpec;

/**
 * A seeded way to draw a network's initial parameters and buffers: which of the laws each layer states
 * ({@link ParameterSpec#init()}) to use. Each tensor gets its own stream derived from the seed and its name, so adding
 * a layer does not change the others.
 */
public enum Initializer {

    /**
     * PyTorch's defaults, each layer's {@code reset_parameters()} (for {@code nn.Conv2d} and {@code nn.Linear}:
     * weights kaiming-uniform with a = sqrt(5), i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and biases
     * U(-1/sqrt(fan_in), 1/sqrt(fan_in))), as {@link Initialization#pytorchDefault()} states them.
     */
    PYTORCH_DEFAULT("pytorch") {
        @Override
        Distribution distribution(ParameterSpec spec) {
            return spec.init().pytorchDefault();
        }
    },

    /**
     * torchvision's VGG initialisation ({@link Initialization#torchvisionVgg()}): convolution weights kaiming-normal
     * (fan_out, ReLU gain, std sqrt(2/fan_out)), linear weights N(0, 0.01), all biases 0. Trains the reference
     * configuration reliably.
     */
    TORCHVISION_VGG("torchvision") {
        @Override
        Distribution distribution(ParameterSpec spec) {
            return spec.init().torchvisionVgg();
        }
    };

    private final String id;

    Initializer(String id) {
        this.id = id;
    }

    /**
     * The name users type: {@code pytorch} or {@code torchvision}.
     *
     * @return the lower-case id, never null
     */
    public String id() {
        return id;
    }

    abstract Distribution distribution(ParameterSpec spec);

    /**
     * A freshly drawn tensor for {@code spec}, of its dtype, reproducible from {@code seed} and the spec's name; each
     * element is drawn in double precision and rounded to the tensor's type.
     *
     * @param spec the parameter to draw (its name, shape, dtype and layer fix the distribution)
     * @param seed the run's seed; the same seed and spec name always give the same values
     * @return a new tensor of {@code spec}'s shape and dtype (I64 values are the rounded draws)
     */
    public Tensor create(ParameterSpec spec, long seed) {
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + spec.name().hashCode());
        Distribution law = distribution(spec);
        int n = Math.toIntExact(spec.shape().elementCount());
        if (spec.dtype() == DType.I64) {
            long[] data = new long[n];
            for (int i = 0; i < n; i++) {
                data[i] = Math.round(law.sample(rng));
            }
            return Tensor.wrapLongs(spec.shape(), data);
        }
        float[] data = new float[n];
        for (int i = 0; i < n; i++) {
            data[i] = (float) law.sample(rng);
        }
        return Tensor.wrap(spec.shape(), data);
    }

    /**
     * Looks an initializer up by its {@link #id()} (or enum name), with an error that lists the choices.
     *
     * @param name an id or enum name, case-insensitive
     * @return the matching initializer
     * @throws IllegalArgumentException if no initializer has that name (the message lists the ids)
     */
    public static Initializer byName(String name) {
        for (Initializer i : values()) {
            if (i.id.equalsIgnoreCase(name) || i.name().equalsIgnoreCase(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("unknown initializer '" + name + "': use "
                + String.join(" or ", java.util.Arrays.stream(values()).map(Initializer::id).toList()));
    }

    @Override
    public String toString() {
        return id.toLowerCase(Locale.ROOT);
    }
}
