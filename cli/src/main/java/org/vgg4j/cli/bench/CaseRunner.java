package org.vgg4j.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.layer.Linear;
import org.vgg4j.core.layer.Sequential;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Initializer;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.core.spi.Backends;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.spi.Trainer;
import org.vgg4j.models.vgg.Vgg;
import org.vgg4j.models.vgg.VggConfig;
import org.vgg4j.models.vgg.VggVariant;

/**
 * Entry point of a benchmark child JVM:
 * {@code CaseRunner BACKEND train|infer|gemm SIZE BATCH WARMUP ITERATIONS SEED}; prints one
 * {@link CaseResult#toLine() result line}. {@code gemm} predicts {@link #gemmNetwork(int) gemmNetwork(SIZE)} on a
 * batch of SIZE; the others run the {@link #benchNetwork(int) bench network} with PyTorch-default weights, Adam
 * (1e-3) and cross-entropy. A backend that cannot train prints a skip with its stated limitation.
 */
public final class CaseRunner {
    private CaseRunner() {
    }

    /**
     * Runs one case and prints its result line: {@code BACKEND train|infer|gemm SIZE BATCH WARMUP ITERATIONS SEED}.
     *
     * @param args the seven arguments
     */
    public static void main(String[] args) {
        if (args.length != 7) {
            System.err.println("usage: CaseRunner BACKEND train|infer|gemm SIZE BATCH WARMUP ITERATIONS SEED");
            System.exit(2);
        }
        System.out.println(run(args[0], args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                Integer.parseInt(args[4]), Integer.parseInt(args[5]), Long.parseLong(args[6])).toLine());
        System.out.flush();
        System.exit(0);
    }

    /**
     * Runs one case in this process.
     *
     * @param backendName the vgg4j backend
     * @param mode        train, infer or gemm
     * @param size        image height and width (matrix size for gemm)
     * @param batch       images per step
     * @param warmup      untimed steps first
     * @param iterations  timed steps
     * @param seed        seed of the weights and data
     * @return the timed steps and peak memory
     */
    public static CaseResult run(String backendName, String mode, int size, int batch, int warmup, int iterations,
            long seed) {
        Backend backend = Backends.discover().select(backendName);
        boolean gemmMode = mode.equals("gemm");
        Network net = gemmMode ? gemmNetwork(size) : benchNetwork(size);
        if (mode.equals("train") && !backend.capabilities().training()) {
            String why = backend.capabilities().limitations();
            return CaseResult.skipped("cannot train" + (why == null || why.isBlank() ? "" : " (" + why + ")"));
        }
        Parameters params = Parameters.initialize(net, Initializer.PYTORCH_DEFAULT, seed);
        Tensor images = randomImages(net.sampleShape().prepend(batch), seed);
        int[] labels = new Random(seed + 1).ints(batch, 0, net.numClasses()).toArray();
        List<Double> millis = new ArrayList<>();
        try (Session session = backend.open(net, params, Device.cpu())) {
            Runnable step;
            if (mode.equals("train")) {
                Trainer trainer = session.trainer(TrainingSpec.adam(1e-3, seed));
                step = () -> trainer.step(images, labels);
            } else if (mode.equals("infer") || gemmMode) {
                step = () -> session.predict(images);
            } else {
                throw new IllegalArgumentException("unknown mode '" + mode + "': use train, infer or gemm");
            }
            for (int i = 0; i < warmup; i++) {
                step.run();
            }
            for (int i = 0; i < iterations; i++) {
                long t0 = System.nanoTime();
                step.run();
                millis.add((System.nanoTime() - t0) / 1e6);
            }
        }
        return new CaseResult(millis, PeakMemory.peakRssKb(), null);
    }

    /**
     * The benchmark network: the d2l narrow VGG-11 (ratio 8, dropout 0.5, 1 channel, 10 classes) at {@code size}.
     *
     * @param size image height and width
     * @return the network
     */
    public static Network benchNetwork(int size) {
        return Vgg.build(VggConfig.d2l(VggVariant.VGG11).withRatio(8).withImageSize(size));
    }

    /**
     * The N x N x N matrix-multiply network of the peak measurement: a single {@link Linear} of N inputs and N
     * outputs on samples of shape [N] (every vgg4j backend accepts rank-1 samples), run on a batch of N.
     *
     * @param n the matrix size
     * @return the network
     */
    public static Network gemmNetwork(int n) {
        return new Network("gemm" + n, Sequential.of(new Linear(n, n)), Shape.of(n));
    }

    private static Tensor randomImages(Shape shape, long seed) {
        Random random = new Random(seed);
        float[] data = new float[Math.toIntExact(shape.elementCount())];
        for (int i = 0; i < data.length; i++) {
            data[i] = random.nextFloat();
        }
        return Tensor.wrap(shape, data);
    }
}
