package org.vgg4j.core.param;

import java.util.Locale;
import java.util.SplittableRandom;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.layer.Conv2d;
import org.vgg4j.core.layer.ParameterSpec;

/**
 * A seeded way to draw a network's initial parameters; each tensor gets its own stream derived from the seed and its
 * name, so adding a layer does not change the others.
 */
public enum Initializer {

    /**
     * PyTorch's default for {@code nn.Conv2d} and {@code nn.Linear}: weights kaiming-uniform with a = sqrt(5), i.e.
     * U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and biases U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
     */
    PYTORCH_DEFAULT("pytorch") {
        @Override
        float sample(ParameterSpec spec, SplittableRandom rng) {
            double bound = 1.0 / Math.sqrt(spec.fanIn());
            return (float) (rng.nextDouble() * 2 * bound - bound);
        }
    },

    /**
     * torchvision's VGG initialisation: convolution weights kaiming-normal (fan_out, ReLU gain, std sqrt(2/fan_out)),
     * linear weights N(0, 0.01), all biases 0. Trains the reference configuration reliably.
     */
    TORCHVISION_VGG("torchvision") {
        @Override
        float sample(ParameterSpec spec, SplittableRandom rng) {
            if (spec.role() == ParameterSpec.Role.BIAS) {
                return 0f;
            }
            double std = spec.owner() instanceof Conv2d ? Math.sqrt(2.0 / spec.fanOut()) : 0.01;
            return (float) (rng.nextGaussian() * std);
        }
    };

    private final String id;

    Initializer(String id) {
        this.id = id;
    }

    /** The name users type: {@code pytorch} or {@code torchvision}. */
    public String id() {
        return id;
    }

    abstract float sample(ParameterSpec spec, SplittableRandom rng);

    /** A freshly drawn tensor for {@code spec}, reproducible from {@code seed} and the spec's name. */
    public Tensor create(ParameterSpec spec, long seed) {
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + spec.name().hashCode());
        float[] data = new float[Math.toIntExact(spec.shape().elementCount())];
        for (int i = 0; i < data.length; i++) {
            data[i] = sample(spec, rng);
        }
        return Tensor.wrap(spec.shape(), data);
    }

    /** Looks an initializer up by its {@link #id()} (or enum name), with an error that lists the choices. */
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
