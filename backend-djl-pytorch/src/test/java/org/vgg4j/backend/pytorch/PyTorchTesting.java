package org.vgg4j.backend.pytorch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.layer.Conv2d;
import org.vgg4j.core.layer.Flatten;
import org.vgg4j.core.layer.Linear;
import org.vgg4j.core.layer.MaxPool2d;
import org.vgg4j.core.layer.Relu;
import org.vgg4j.core.layer.Sequential;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.core.testing.TestData;
import org.vgg4j.models.vgg.Vgg;
import org.vgg4j.models.vgg.VggConfig;
import org.vgg4j.models.vgg.VggVariant;

/** Shared fixtures of this module's tests: the backend (loaded once) and a few networks. */
final class PyTorchTesting {
    private static Backend backend;

    private PyTorchTesting() {
    }

    static synchronized Backend backend() {
        if (backend == null) {
            backend = new PyTorchBackendProvider().create();
        }
        return backend;
    }

    /** The d2l chapter's VGG-11 narrowed by 8 (conv 8..64 channels, FC 512) on {@code size}x{@code size} inputs. */
    static Network narrowVgg11(int size, double dropout) {
        return Vgg.build(VggConfig.d2l(VggVariant.VGG11).withRatio(8).withImageSize(size).withDropout(dropout));
    }

    /**
     * A seeded, learnable batch of {@code n} 1x32x32 images: half-strength uniform noise plus, for label k, a bright
     * 8x8 square in cell k of a 4x4 grid (labels uniform in [0, 10)); like real images, the classes have features.
     */
    static Tensor patternImages(int[] labels, long seed) {
        Tensor noise = TestData.images(Shape.of(labels.length, 1, 32, 32), seed);
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

    /** A small conv net on 1x32x32 whose training step allocates a few MB, for the memory test. */
    static Network memoryProbe() {
        Sequential block = Sequential.of(Conv2d.same3x3(1, 8), new Relu(), new MaxPool2d(2, 2),
                Conv2d.same3x3(8, 16), new Relu(), new MaxPool2d(2, 2));
        Sequential fc = Sequential.of(new Flatten(), new Linear(16 * 8 * 8, 10));
        return new Network("memory-probe", new Sequential(List.of(new Sequential.Child("features", block),
                new Sequential.Child("fc", fc))), Shape.of(1, 32, 32));
    }

    /** This process's resident set size in KiB, from /proc/self/status (-1 where there is no /proc). */
    static long rssKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
