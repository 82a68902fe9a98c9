package org.vgg4j.spark;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Initializer;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.Backends;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.spi.Trainer;
import org.vgg4j.core.testing.TestData;
import org.vgg4j.models.vgg.VggConfig;
import org.vgg4j.models.vgg.VggVariant;

/**
 * Measured, not asserted (not in the suite: run with {@code -Dtest=SparkStepBenchmark -Dvgg4j.bench=true}): the
 * median time of one synchronous data-parallel step (2 workers x 32 in {@code local[2,4]}) against one local step of
 * 64 images on the same backend, for the d2l narrow VGG-11 at 32x32 and 224x224.
 */
class SparkStepBenchmark {

    @Test
    void sparkStepAgainstLocalStep() {
        assumeTrue(Boolean.getBoolean("vgg4j.bench"), "a benchmark: run with -Dvgg4j.bench=true");
        for (int size : new int[] {32, 224}) {
            int steps = size == 32 ? 10 : 3;
            int rounds = size == 32 ? 3 : 2;
            VggNetworkSpec spec = VggNetworkSpec.of(VggConfig.d2l(VggVariant.VGG11).withRatio(4).withImageSize(size));
            Network net = spec.build();
            Parameters start = Parameters.initialize(net, Initializer.TORCHVISION_VGG, 1);
            Tensor images = TestData.images(Shape.of(64 * steps, 1, size, size), 2);
            int[] labels = TestData.labels(64 * steps, 10, 3);
            JavaRDD<TrainingShard> shards = DataParallelTraining.distribute(
                    JavaSparkContext.fromSparkContext(LocalSpark.get().sparkContext()),
                    DataParallelTraining.split(images, labels, 2));
            DataParallelOptions options = DataParallelOptions.defaults().withBatchPerWorker(32).withShuffle(false);
            // Warm-up of both paths (engine load, executor session), then rounds that alternate them, so that the
            // shared machine's load drifts into both alike.
            double[] local = new double[rounds];
            double[] spark = new double[rounds];
            for (int round = -1; round < rounds; round++) {
                double ms = localSteps(net, start, images, labels, steps);
                DataParallelResult r = DataParallelTraining.fit(shards, spec, start, TrainingSpec.adam(1e-3, 1),
                        options);
                if (round >= 0) {
                    local[round] = ms;
                    spark[round] = 1000 * r.seconds() / r.steps();
                }
            }
            shards.unpersist();
            double l = median(local);
            double sp = median(spark);
            System.out.printf(Locale.ROOT, "step overhead %dx%d (%,d parameters, %.1f MB per exchange): local step"
                    + " %.1f ms, Spark step (2 x 32) %.1f ms, median of %d rounds of %d steps: %.2fx, %+.1f ms per"
                    + " step; rounds local %s, Spark %s%n", size, size, net.parameterCount(),
                    net.parameterCount() * 4 / 1e6, l, sp, rounds, steps, sp / l, sp - l, Arrays.toString(local),
                    Arrays.toString(spark));
        }
    }

    /** Mean milliseconds of one local step of 64 images over {@code steps} steps. */
    private static double localSteps(Network net, Parameters start, Tensor images, int[] labels, int steps) {
        try (Session s = Backends.discover().select("pytorch").open(net, start, Device.cpu());
             Trainer t = s.trainer(TrainingSpec.adam(1e-3, 1))) {
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                t.step(images.slice(64 * i, 64 * i + 64), Arrays.copyOfRange(labels, 64 * i, 64 * i + 64));
            }
            return (System.nanoTime() - t0) / 1e6 / steps;
        }
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }
}
