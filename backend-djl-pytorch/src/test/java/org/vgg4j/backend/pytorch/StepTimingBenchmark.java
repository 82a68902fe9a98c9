package org.vgg4j.backend.pytorch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
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
 * Measures milliseconds per training step and per prediction of the narrow VGG-11 (d2l defaults, dropout 0.5, Adam);
 * runs only with {@code -Dvgg4j.bench=true} (see the README for the command).
 */
@EnabledIfSystemProperty(named = "vgg4j.bench", matches = "true")
class StepTimingBenchmark {

    @Test
    void narrowVgg11At32Batch128() {
        time(32, 128, 3, 20);
    }

    @Test
    void narrowVgg11At224Batch64() {
        time(224, 64, 1, 5);
    }

    private static void time(int size, int batch, int warmUp, int steps) {
        Network net = PyTorchTesting.narrowVgg11(size, 0.5);
        Tensor images = TestData.images(net.sampleShape().prepend(batch), 1);
        int[] labels = TestData.labels(batch, 10, 2);
        try (Session s = PyTorchTesting.backend().open(net, Parameters.initialize(net, Initializer.TORCHVISION_VGG, 0),
                Device.cpu())) {
            Trainer t = s.trainer(TrainingSpec.adam(1e-3, 0));
            for (int i = 0; i < warmUp; i++) {
                t.step(images, labels);
                s.predict(images);
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                t.step(images, labels);
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                s.predict(images);
            }
            long t2 = System.nanoTime();
            System.out.printf("timing: narrow vgg11 %dx%d batch %d: %.1f ms/training step, %.1f ms/predict "
                    + "(mean of %d after %d warm-up, %d libtorch threads, load average %s)%n", size, size, batch,
                    (t1 - t0) / 1e6 / steps, (t2 - t1) / 1e6 / steps, steps, warmUp,
                    ai.djl.pytorch.jni.JniUtils.getNumThreads(), loadAverage());
        }
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException e) {
            return "n/a";
        }
    }
}
