import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
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
import org.vgg4j.models.vgg.VggConfig;
import org.vgg4j.models.vgg.VggVariant;
import org.vgg4j.spark.DataParallelOptions;
import org.vgg4j.spark.DataParallelResult;
import org.vgg4j.spark.DataParallelTraining;
import org.vgg4j.spark.TrainingShard;
import org.vgg4j.spark.VggNetworkSpec;

/**
 * The time of one synchronous data-parallel Spark step (2 workers x 32 images in {@code local[2,4]}) against one local
 * step of 64 images on the same backend, for the d2l VGG-11 narrowed by ratio 4 at the given sizes: measured, not
 * judged. Run by {@code benchmarks/spark/step-overhead.sh} with the Spark application's class path; arguments:
 * {@code BACKEND SIZE...} (default {@code pytorch 32 224}).
 */
public final class SparkStepOverhead {

    private SparkStepOverhead() {
    }

    public static void main(String[] args) {
        String backend = args.length > 0 ? args[0] : "pytorch";
        int[] sizes = args.length > 1
                ? Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt).toArray() : new int[] {32, 224};
        SparkSession spark = SparkSession.builder().appName("vgg4j-step-overhead").master("local[2,4]")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        try {
            for (int size : sizes) {
                measure(spark, backend, size);
            }
        } finally {
            spark.stop();
        }
    }

    private static void measure(SparkSession spark, String backend, int size) {
        int steps = size <= 64 ? 10 : 3;
        int rounds = size <= 64 ? 3 : 2;
        VggNetworkSpec spec = VggNetworkSpec.of(VggConfig.d2l(VggVariant.VGG11).withRatio(4).withImageSize(size));
        Network net = spec.build();
        Parameters start = Parameters.initialize(net, Initializer.TORCHVISION_VGG, 1);
        int n = 64 * steps;
        SplittableRandom random = new SplittableRandom(2);
        float[] pixels = new float[n * size * size];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) random.nextDouble();
        }
        Tensor images = Tensor.wrap(Shape.of(n, 1, size, size), pixels);
        int[] labels = random.ints(n, 0, 10).toArray();
        JavaRDD<TrainingShard> shards = DataParallelTraining.distribute(
                JavaSparkContext.fromSparkContext(spark.sparkContext()), DataParallelTraining.split(images, labels, 2));
        DataParallelOptions options = DataParallelOptions.defaults().withBatchPerWorker(32).withShuffle(false);
        // A warm-up round of both paths (engine load, executor session), then rounds that alternate them, so that a
        // shared machine's load drifts into both alike.
        double[] local = new double[rounds];
        double[] distributed = new double[rounds];
        for (int round = -1; round < rounds; round++) {
            double ms = localSteps(backend, net, start, images, labels, steps);
            DataParallelResult r = DataParallelTraining.fit(shards, spec, start, TrainingSpec.adam(1e-3, 1),
                    options);
            if (round >= 0) {
                local[round] = ms;
                distributed[round] = 1000 * r.seconds() / r.steps();
            }
        }
        shards.unpersist();
        double l = median(local);
        double d = median(distributed);
        System.out.printf(Locale.ROOT, "step overhead %dx%d (%,d parameters, %.1f MB per exchange): local step %.1f ms,"
                + " Spark step (2 x 32) %.1f ms, median of %d rounds of %d steps: %.2fx, %+.1f ms per step;"
                + " rounds local %s, Spark %s%n", size, size, net.parameterCount(), net.parameterCount() * 4 / 1e6,
                l, d, rounds, steps, d / l, d - l, Arrays.toString(local), Arrays.toString(distributed));
    }

    /** Mean milliseconds of one local step of 64 images over {@code steps} steps. */
    private static double localSteps(String backend, Network net, Parameters start, Tensor images, int[] labels,
            int steps) {
        try (Session s = Backends.discover().select(backend).open(net, start, Device.cpu());
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
