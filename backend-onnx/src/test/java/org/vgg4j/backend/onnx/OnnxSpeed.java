package org.vgg4j.backend.onnx;

import java.util.Arrays;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.param.Initializer;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.testing.TestData;
import org.vgg4j.models.vgg.Vgg;
import org.vgg4j.models.vgg.VggConfig;
import org.vgg4j.models.vgg.VggVariant;

/**
 * Measures ONNX Runtime inference speed of the narrow VGG-11 ({@code VggConfig.d2l(VGG11).withRatio(8)}): ms per batch,
 * images per second and achieved GFLOP/s (convolution and linear FLOPs counted as 2 x multiply-accumulates).
 *
 * <p>Not a test: run it by hand (see the module README). Arguments: batch (64), image size (224), timed iterations
 * (10), warm-up iterations (3); {@code -Dvgg4j.onnx.threads=N} sets the intra-op threads.
 */
public final class OnnxSpeed {
    private OnnxSpeed() {
    }

    public static void main(String[] args) {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 224;
        int iterations = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 3;

        Network network = Vgg.build(VggConfig.d2l(VggVariant.VGG11).withRatio(8).withImageSize(size));
        Parameters params = Parameters.initialize(network, Initializer.TORCHVISION_VGG, 0);
        Tensor images = TestData.images(network.sampleShape().prepend(batch), 1);
        double gflop = flops(network, batch) / 1e9;
        OnnxRuntimeOptions options = OnnxRuntimeOptions.defaults();

        long t0 = System.nanoTime();
        try (OnnxSession session = new OnnxBackend(options).open(network, params, Device.cpu())) {
            double openMs = (System.nanoTime() - t0) / 1e6;
            for (int i = 0; i < warmup; i++) {
                session.predict(images);
            }
            double[] ms = new double[iterations];
            for (int i = 0; i < iterations; i++) {
                long s = System.nanoTime();
                session.predict(images);
                ms[i] = (System.nanoTime() - s) / 1e6;
            }
            Arrays.sort(ms);
            double median = ms[iterations / 2];
            double mean = Arrays.stream(ms).average().orElse(Double.NaN);
            System.out.printf("%s, batch %d, input %s, %s, %d intra-op threads, %d processors%n", network.name(),
                    batch, Shape.of(batch, 1, size, size), session.info().producer().isEmpty() ? "" : "ONNX Runtime "
                    + ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion(), options.intraOpThreads(),
                    Runtime.getRuntime().availableProcessors());
            System.out.printf("session open (export + ORT optimization): %.0f ms%n", openMs);
            System.out.printf("work per batch: %.2f GFLOP (conv + linear, 2 x MACs)%n", gflop);
            System.out.printf("ms/batch: median %.1f, mean %.1f, min %.1f, max %.1f over %d runs (%d warm-up)%n",
                    median, mean, ms[0], ms[iterations - 1], iterations, warmup);
            System.out.printf("images/s: %.1f (median)%n", batch * 1000 / median);
            System.out.printf("achieved: %.1f GFLOP/s (median)%n", gflop * 1000 / median);
        }
    }

    /** Convolution and linear FLOPs of one forward pass on {@code batch} samples, counted as 2 x MACs. */
    static double flops(Network network, int batch) {
        return network.root().forwardFlops(network.sampleShape().prepend(batch));
    }
}
