package org.vgg4j.backend.tensorflow;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Initializer;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.spi.Trainer;
import org.vgg4j.core.testing.TestData;

/**
 * Milliseconds per training step (and per forward pass) of narrow VGG-11; opt-in, asserts nothing:
 * {@code mvn -o -pl backend-djl-tensorflow verify -Dtf.excludedGroups=none -Dgroups=benchmark -Dtest=StepBenchmark}.
 * Sizes: {@code -Dbench.sizes=32:128:20,224:64:4} (image size : batch : timed steps).
 */
@Tag("benchmark")
class StepBenchmark {

    @Test
    void trainingStep() {
        for (String spec : System.getProperty("bench.sizes", "32:128:20,224:64:4").split(",")) {
            String[] f = spec.split(":");
            run(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]));
        }
    }

    private static void run(int size, int batch, int steps) {
        Network network = TfTesting.narrowVgg11(size, 0.5);
        Parameters params = Parameters.initialize(network, Initializer.TORCHVISION_VGG, 0);
        Tensor images = TestData.images(network.sampleShape().prepend(batch), 1);
        int[] labels = TestData.labels(batch, 10, 2);
        try (Session s = TfTesting.backend().open(network, params, Device.cpu())) {
            Trainer t = s.trainer(TrainingSpec.adam(1e-3, 0));
            for (int i = 0; i < 2; i++) {
                t.step(images, labels);
            }
            OpProfile.drain();
            double step = time(steps, () -> t.step(images, labels));
            if (OpProfile.ENABLED) {
                System.out.println("PROFILE per " + steps + " steps:\n" + OpProfile.drain());
            }
            double grads = time(Math.max(1, steps / 2), () -> t.gradients(images, labels));
            double forward = time(Math.max(1, steps / 2), () -> s.predict(images));
            System.out.printf("BENCH narrow VGG-11 %dx%d batch %d: step %.0f ms (forward+backward %.0f ms, "
                    + "forward %.0f ms), %d cores, intra-op threads %s%n", size, size, batch, step, grads, forward,
                    Runtime.getRuntime().availableProcessors(),
                    System.getProperty("ai.djl.tensorflow.num_intraop_threads", "default"));
        }
    }

    private static double time(int n, Runnable r) {
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            r.run();
        }
        return (System.nanoTime() - start) / 1e6 / n;
    }
}
