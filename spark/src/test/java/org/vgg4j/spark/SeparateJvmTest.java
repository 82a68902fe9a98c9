package org.vgg4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.launcher.JavaModuleOptions;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.core.Network;
import org.vgg4j.core.optim.Adam;
import org.vgg4j.core.optim.Sgd;
import org.vgg4j.core.optim.SoftmaxCrossEntropy;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.testing.TestData;
import org.vgg4j.models.vgg.VggConfig;
import org.vgg4j.models.vgg.VggVariant;
import org.vgg4j.onnx.ExportMetadata;
import org.vgg4j.onnx.OnnxExporter;

/**
 * With executors in separate JVMs ({@code local-cluster[2,1,1024]}: a Spark Master and two Workers inside this JVM,
 * each Worker launching one executor JVM with {@code java -cp}), built from Maven artifacts alone: one backend session
 * per executor JVM reused across tasks, the same predictions bit for bit as {@code local[2,4]}, and 2 workers x 32
 * images still give the weights of 1 x 64 (SGD and Adam), with every closure, model and gradient really serialized.
 *
 * <p>The Workers find Spark's jars under {@code $SPARK_HOME/jars} (surefire sets {@code SPARK_HOME} to
 * {@code target/spark-home} and {@code SPARK_SCALA_VERSION}); this test fills that folder with links to every jar of
 * its own class path and gives the executors its class folders and Spark's Java 17 options.
 */
class SeparateJvmTest {
    private static final VggNetworkSpec SPEC = VggNetworkSpec.of(
            VggConfig.d2l(VggVariant.VGG11).withRatio(8).withImageSize(32));
    private static final int FILES = 24;
    private static final int PARTITIONS = 8;

    @TempDir
    static Path dir;
    static Path images;
    static Path onnx;
    static Map<String, double[]> inProcess;
    static SparkSession cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        Network net = SPEC.build();
        onnx = dir.resolve("model.onnx");
        OnnxExporter.write(onnx, net, TestData.unitScale(net, 3), ExportMetadata.forNetwork(net));
        images = Files.createDirectories(dir.resolve("images"));
        SplittableRandom rng = new SplittableRandom(7);
        for (int f = 0; f < FILES; f++) {
            BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    img.getRaster().setSample(x, y, 0, rng.nextInt(256));
                }
            }
            ImageIO.write(img, "png", images.resolve(String.format("img-%02d.png", f)).toFile());
        }
        // The reference, in this JVM, before its SparkContext makes way for the cluster's (one per JVM).
        inProcess = classify(LocalSpark.get());
        LocalSpark.stop();
        cluster = SparkSession.builder().appName("vgg4j-separate-jvms").master("local-cluster[2,1,1024]")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.executor.extraClassPath", classFolders())
                .config("spark.executor.extraJavaOptions", String.join(" ", JavaModuleOptions.defaultModuleOptionArray()))
                .config("spark.executorEnv.SPARK_SCALA_VERSION", "2.13")
                .getOrCreate();
        cluster.sparkContext().setLogLevel("WARN");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.stop();
        }
    }

    /**
     * Links every jar of this JVM's class path into {@code $SPARK_HOME/jars} (what the Workers put on the executors'
     * class path) and returns its folders (this module's and the reactor's classes), for the executors' extra path.
     */
    private static String classFolders() throws Exception {
        String home = System.getenv("SPARK_HOME");
        assertThat(home).as("SPARK_HOME (set by surefire)").isNotNull();
        Path jars = Files.createDirectories(Path.of(home, "jars"));
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> folders = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            Path p = Path.of(entry).toAbsolutePath();
            if (Files.isDirectory(p)) {
                folders.add(p.toString());
            } else if (entry.endsWith(".jar") && Files.exists(p)) {
                Path link = jars.resolve(p.getFileName());
                if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.createSymbolicLink(link, p);
                }
            }
        }
        return String.join(File.pathSeparator, folders);
    }

    private static Map<String, double[]> classify(SparkSession spark) {
        Dataset<Row> files = spark.read().format("binaryFile").load(images.toString()).repartition(PARTITIONS);
        Dataset<Row> out = VggSpark.classify(files, new ModelSource.OnnxFile(onnx.toString()),
                ClassifyOptions.defaults().withBatchSize(2));
        Map<String, double[]> byFile = new TreeMap<>();
        for (Row r : out.collectAsList()) {
            List<Double> p = r.getList(r.fieldIndex(VggSpark.PROBABILITIES));
            double[] v = new double[p.size() + 1];
            v[0] = r.getInt(r.fieldIndex(VggSpark.PREDICTION));
            for (int i = 0; i < p.size(); i++) {
                v[i + 1] = p.get(i);
            }
            byFile.put(Path.of(java.net.URI.create(r.getString(r.fieldIndex("path")))).getFileName().toString(), v);
        }
        return byFile;
    }

    /** Each executor JVM's pid and how many sessions it has opened, from a job of many small tasks. */
    private static Map<Long, Integer> sessionsByExecutorPid() {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(cluster.sparkContext());
        List<Integer> slots = new ArrayList<>();
        for (int i = 0; i < 4 * PARTITIONS; i++) {
            slots.add(i);
        }
        Map<Long, Integer> out = new HashMap<>();
        for (long[] pc : jsc.parallelize(slots, 4 * PARTITIONS).mapPartitions(SeparateJvmTest::report).collect()) {
            out.put(pc[0], (int) pc[1]);
        }
        return out;
    }

    private static Iterator<long[]> report(Iterator<Integer> ignored) throws InterruptedException {
        Thread.sleep(50);  // short tasks would all go to whichever executor asks first
        return List.of(new long[] {ProcessHandle.current().pid(), ExecutorSessions.openedCount()}).iterator();
    }

    @Test
    void oneSessionPerExecutorJvmAndTheSamePredictionsAsInProcess() {
        long driver = ProcessHandle.current().pid();
        Map<String, double[]> separate = classify(cluster);
        Map<Long, Integer> sessions = sessionsByExecutorPid();
        System.out.printf(Locale.ROOT, "separate JVMs: driver pid %d (%s), executor pid -> sessions opened: %s, after"
                + " one classify job of %d tasks%n", driver, ManagementFactory.getRuntimeMXBean().getName(), sessions,
                PARTITIONS);
        assertThat(sessions).hasSize(2).doesNotContainKey(driver);
        // Every executor ran some of the 8 tasks, and opened the model once for all of them.
        assertThat(sessions.values()).containsOnly(1);
        assertThat(separate.keySet()).isEqualTo(inProcess.keySet()).hasSize(FILES);
        for (String f : separate.keySet()) {
            assertThat(separate.get(f)).as(f).containsExactly(inProcess.get(f));
        }
    }

    private static void assertTwoByThirtyTwoIsOneBySixtyFour(TrainingSpec spec) {
        Parameters whole = DataParallelTrainingTest.oneWorker("pytorch", spec, false);
        DataParallelResult r = DataParallelTraining.fit(
                DataParallelTraining.distribute(JavaSparkContext.fromSparkContext(cluster.sparkContext()),
                        DataParallelTraining.split(DataParallelTrainingTest.IMAGES, DataParallelTrainingTest.LABELS, 2)),
                DataParallelTrainingTest.SPEC, DataParallelTrainingTest.START, spec,
                DataParallelTrainingTest.options("pytorch"));
        assertThat(r.steps()).isEqualTo(DataParallelTrainingTest.STEPS);
        assertThat(r.parameters().maxAbsDiff(DataParallelTrainingTest.START)).isGreaterThan(1e-4);
        double rel = DataParallelTrainingTest.worstRelative(r.parameters(), whole);
        System.out.printf(Locale.ROOT, "separate JVMs, %s: 2x32 on two executor JVMs vs 1x64 in this JVM:"
                + " L2-relative %.3g, element/max %.3g%n", spec.optimizer().getClass().getSimpleName(), rel,
                DataParallelTrainingTest.worstElement(r.parameters(), whole));
        assertThat(rel).isLessThanOrEqualTo(1e-5);
    }

    @Test
    void twoExecutorJvmsOf32EqualOneWorkerOf64WithSgd() {
        assertTwoByThirtyTwoIsOneBySixtyFour(new TrainingSpec(new Sgd(0.05, 0.9, 0), new SoftmaxCrossEntropy(), 1));
    }

    @Test
    void twoExecutorJvmsOf32EqualOneWorkerOf64WithAdam() {
        assertTwoByThirtyTwoIsOneBySixtyFour(
                new TrainingSpec(Adam.withLearningRate(1e-3), new SoftmaxCrossEntropy(), 1));
    }
}
