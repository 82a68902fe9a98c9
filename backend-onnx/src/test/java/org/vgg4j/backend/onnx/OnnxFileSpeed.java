package org.vgg4j.backend.onnx;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.vgg4j.core.Device;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.testing.TestData;

/**
 * Times ONNX model files as vgg4j serves them ({@link OnnxBackend#openFile} on the CPU: a float file padded to the
 * NCHWc block, an int8 file as it is), alternating the files round by round so that a change in machine load hits
 * them alike; prints each file's median ms per batch and images/s.
 *
 * <p>Not a test: run it by hand. Arguments: {@code FILE...} then optionally {@code --batch N} (64),
 * {@code --iterations N} per round (5), {@code --rounds N} (4), {@code --warmup N} (2).
 */
public final class OnnxFileSpeed {
    private OnnxFileSpeed() {
    }

    /**
     * Runs the measurement.
     *
     * @param args the files to time, then options
     */
    public static void main(String[] args) {
        List<Path> files = new ArrayList<>();
        int batch = 64;
        int iterations = 5;
        int rounds = 4;
        int warmup = 2;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--iterations" -> iterations = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                default -> files.add(Path.of(args[i]));
            }
        }
        OnnxBackend backend = new OnnxBackend();
        List<OnnxSession> sessions = new ArrayList<>();
        for (Path f : files) {
            sessions.add(backend.openFile(f, Device.cpu()));
        }
        double[][] ms = new double[files.size()][rounds * iterations];
        try {
            Tensor images = TestData.images(sessions.get(0).network().sampleShape().prepend(batch), 1);
            for (OnnxSession s : sessions) {
                for (int i = 0; i < warmup; i++) {
                    s.predict(images);
                }
            }
            for (int r = 0; r < rounds; r++) {
                for (int f = 0; f < files.size(); f++) {
                    for (int i = 0; i < iterations; i++) {
                        long t0 = System.nanoTime();
                        sessions.get(f).predict(images);
                        ms[f][r * iterations + i] = (System.nanoTime() - t0) / 1e6;
                    }
                }
            }
        } finally {
            sessions.forEach(OnnxSession::close);
        }
        System.out.printf("batch %d, input %s, %d rounds x %d iterations (alternating), %d warm-up, %d processors%n",
                batch, sessions.get(0).network().sampleShape(), rounds, iterations, warmup,
                Runtime.getRuntime().availableProcessors());
        for (int f = 0; f < files.size(); f++) {
            double[] sorted = ms[f].clone();
            Arrays.sort(sorted);
            double median = sorted[sorted.length / 2];
            System.out.printf("%s: median %.1f ms/batch (min %.1f, max %.1f), %.1f images/s%n", files.get(f), median,
                    sorted[0], sorted[sorted.length - 1], batch * 1000 / median);
        }
    }
}
