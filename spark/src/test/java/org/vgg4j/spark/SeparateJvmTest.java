package org.vgg4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
import org.vgg4j.cli.Main;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.optim.Adam;
import org.vgg4j.core.optim.Sgd;
import org.vgg4j.core.optim.SoftmaxCrossEntropy;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.testing.TestData;
import org.vgg4j.core.train.Evaluator;
import org.vgg4j.datasets.image.ImageDecoder;
import org.vgg4j.datasets.image.PixelFormat;
import org.vgg4j.models.vgg.VggConfig;
import org.vgg4j.models.vgg.VggVariant;
import org.vgg4j.onnx.ExportMetadata;
import org.vgg4j.onnx.OnnxExporter;

/**
 * On a Spark standalone cluster that this test starts on loopback from Maven artifacts alone: a Master and a Worker,
 * each its own process ({@code java -cp <this test's class path> org.apache.spark.deploy.master.Master}, and
 * {@code ...deploy.worker.Worker}, with Spark's Java 17 options, {@code SPARK_LOCAL_IP=127.0.0.1}, free ports, a work
 * directory in the test's temporary folder), the Worker launching two executor JVMs of one core each, this JVM the
 * driver: one backend session per executor JVM reused across tasks, the same predictions bit for bit as
 * {@code local[2,4]} and as {@code vgg4j predict}, and 2 workers x 32 images still give the weights of 1 x 64 (SGD and
 * Adam), with every closure, model and gradient really serialized. Both daemons and their executors are killed after
 * the tests, also when they fail.
 *
 * <p>The Worker launches executors with Spark's jars from {@code $SPARK_HOME/jars} (surefire sets {@code SPARK_HOME}
 * to {@code target/spark-home} and {@code SPARK_SCALA_VERSION}); this test fills that folder with links to every jar
 * of its own class path and gives the executors its class folders and Spark's Java 17 options.
 */
class SeparateJvmTest {
    private static final VggNetworkSpec SPEC = VggNetworkSpec.of(
            VggConfig.d2l(VggVariant.VGG11).withRatio(8).withImageSize(32));
    private static final int FILES = 40;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final int PARTITIONS = 8;

    @TempDir
    static Path dir;
    static Path images;
    static Path onnx;
    static Map<String, double[]> inProcess;
    static SparkSession cluster;
    static final List<Process> DAEMONS = new ArrayList<>();

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
        Runtime.getRuntime().addShutdownHook(new Thread(SeparateJvmTest::killDaemons));
        String classFolders = classFolders();  // also fills $SPARK_HOME/jars, for the Worker
        int masterPort = freePort();
        int masterUi = freePort();
        String master = "spark://127.0.0.1:" + masterPort;
        Path work = Files.createDirectories(dir.resolve("work"));
        DAEMONS.add(daemon("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                "--port", Integer.toString(masterPort), "--webui-port", Integer.toString(masterUi)));
        DAEMONS.add(daemon("worker", "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                "--port", "0", "--webui-port", "0", "--cores", "2", "--memory", "2g",
                "--work-dir", work.toString(), master));
        awaitAliveWorker(masterUi);
        cluster = SparkSession.builder().appName("vgg4j-separate-jvms").master(master)
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.executor.cores", "1")
                .config("spark.cores.max", "2")
                .config("spark.executor.memory", "1g")
                .config("spark.executor.extraClassPath", classFolders)
                // C1 only: on a short test the executors' JIT would cost more CPU than it saves.
                .config("spark.executor.extraJavaOptions", "-XX:TieredStopAtLevel=1 "
                        + String.join(" ", JavaModuleOptions.defaultModuleOptionArray()))
                .config("spark.executorEnv.SPARK_SCALA_VERSION", "2.13")
                .getOrCreate();
        cluster.sparkContext().setLogLevel("WARN");
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        // The driver's own block manager counts too: wait for it and the two executors.
        while (cluster.sparkContext().getExecutorMemoryStatus().size() < 3) {
            assertThat(System.nanoTime()).as("2 executors registered within %s; logs in %s", START_TIMEOUT, dir)
                    .isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    @AfterAll
    static void stopCluster() {
        try {
            if (cluster != null) {
                cluster.stop();
            }
        } finally {
            killDaemons();
        }
    }

    /** Kills the Worker (and the executor JVMs it launched) and the Master, waiting for each to exit. */
    private static synchronized void killDaemons() {
        for (int i = DAEMONS.size() - 1; i >= 0; i--) {
            Process p = DAEMONS.get(i);
            List<ProcessHandle> children = p.descendants().toList();
            p.destroy();
            children.forEach(ProcessHandle::destroy);
            try {
                if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
            children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        }
        DAEMONS.clear();
    }

    /** Starts {@code java -cp <test class path> mainClass args} on loopback, its output in {@code dir/name.log}. */
    private static Process daemon(String name, String mainClass, String... args) throws IOException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // An argument file: the class path (Spark's ~170 jars and the reactor's) is long.
        Path argFile = dir.resolve(name + ".args");
        Files.writeString(argFile, "-cp \"" + classPath.replace("\\", "\\\\") + "\"\n");
        command.add("@" + argFile);
        command.add("-Xmx512m");
        command.add("-XX:TieredStopAtLevel=1");  // the daemons do little: C2's compilations would cost more
        command.addAll(List.of(JavaModuleOptions.defaultModuleOptionArray()));
        // The tests' log4j2 configuration: warnings only.
        command.add("-Dlog4j2.configurationFile=" + SeparateJvmTest.class.getResource("/log4j2.properties"));
        command.add(mainClass);
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");  // also set by surefire, with SPARK_HOME
        return pb.start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Polls the Master's JSON status page until one Worker is alive (the Master or Worker dying fails at once). */
    private static void awaitAliveWorker(int masterUi) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + masterUi + "/json/"))
                .timeout(Duration.ofSeconds(5)).build();
        Pattern alive = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)");
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            for (Process p : DAEMONS) {
                assertThat(p.isAlive()).as("daemon %s alive; logs in %s", p.info().commandLine().orElse("?"), dir)
                        .isTrue();
            }
            try {
                Matcher m = alive.matcher(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
                if (m.find() && Integer.parseInt(m.group(1)) >= 1) {
                    return;
                }
            } catch (IOException notYet) {
                // the Master's web UI is not up yet
            }
            assertThat(System.nanoTime()).as("a Worker registered within %s; logs in %s", START_TIMEOUT, dir)
                    .isLessThan(deadline);
            Thread.sleep(250);
        }
    }

    /**
     * Links every jar of this JVM's class path into {@code $SPARK_HOME/jars} (what the Worker puts on the executors'
     * class path) and returns its folders (this module's and the reactor's classes), for the executors' extra path.
     */
    static String classFolders() throws Exception {
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
        System.out.printf(Locale.ROOT, "standalone: driver pid %d (%s), master and worker pids %s, executor pid ->"
                + " sessions opened: %s, after one classify job of %d tasks%n", driver,
                ManagementFactory.getRuntimeMXBean().getName(), DAEMONS.stream().map(Process::pid).toList(), sessions,
                PARTITIONS);
        assertThat(sessions).hasSize(2).doesNotContainKey(driver)
                .doesNotContainKeys(DAEMONS.stream().map(Process::pid).toArray(Long[]::new));
        // Every executor ran some of the 8 tasks, and opened the model once for all of them.
        assertThat(sessions.values()).containsOnly(1);
        assertThat(separate.keySet()).isEqualTo(inProcess.keySet()).hasSize(FILES);
        for (String f : separate.keySet()) {
            assertThat(separate.get(f)).as(f).containsExactly(inProcess.get(f));
        }
    }

    /** The probabilities {@code vgg4j predict} computes for the files: one batch of all of them, in this JVM. */
    private static Map<String, double[]> predictInThisJvm(List<Path> files) {
        try (LoadedModel model = LoadedModel.open(new ModelSource.OnnxFile(onnx.toString()), "onnx")) {
            ImageDecoder decoder = ImageDecoder.create();
            int sample = model.channels() * model.size() * model.size();
            float[] batch = new float[files.size() * sample];
            for (int i = 0; i < files.size(); i++) {
                decoder.decode(files.get(i), PixelFormat.forChannels(model.channels()))
                        .resized(model.size(), model.size()).toTensor().copyTo(batch, i * sample);
            }
            Tensor logits = model.session().predict(
                    Tensor.wrap(Shape.of(files.size(), model.channels(), model.size(), model.size()), batch));
            Map<String, double[]> out = new TreeMap<>();
            for (int i = 0; i < files.size(); i++) {
                out.put(files.get(i).getFileName().toString(), Evaluator.softmax(logits, i, logits.shape().dim(1)));
            }
            return out;
        }
    }

    @Test
    void fortyImagesGetPredictsProbabilitiesBitForBitFromTwoExecutorProcesses() throws Exception {
        // The same files, tasks and batches as the other test: 8 tasks, batches of 2, on the two executor processes.
        Map<String, double[]> spark = new TreeMap<>();
        classify(cluster).forEach((f, v) -> spark.put(f, java.util.Arrays.copyOfRange(v, 1, v.length)));
        Set<Long> executors = sessionsByExecutorPid().keySet();
        Set<Long> daemons = new HashSet<>();
        DAEMONS.forEach(p -> daemons.add(p.pid()));
        assertThat(executors).hasSize(2).doesNotContain(ProcessHandle.current().pid())
                .doesNotContainAnyElementsOf(daemons);

        List<Path> paths = new ArrayList<>();
        try (var listing = Files.list(images)) {
            listing.sorted().forEach(paths::add);
        }
        Map<String, double[]> predict = predictInThisJvm(paths);
        assertThat(spark.keySet()).isEqualTo(predict.keySet()).hasSize(FILES);
        for (String f : spark.keySet()) {
            assertThat(spark.get(f)).as(f).containsExactly(predict.get(f));
        }
        // And that is what the predict command prints (4 decimals, every class).
        List<String> args = new ArrayList<>(List.of("predict", "--onnx", onnx.toString(), "--top-k", "10"));
        paths.forEach(p -> args.add(p.toString()));
        StringWriter stdout = new StringWriter();
        assertThat(Main.execute(args.toArray(String[]::new), new PrintWriter(stdout, true),
                new PrintWriter(new StringWriter(), true))).isZero();
        List<String> names = ExportMetadata.defaultClassNames(10);
        Map<String, Integer> compared = new HashMap<>();
        for (String line : stdout.toString().split("\n")) {
            String file = Path.of(line.substring(0, line.indexOf(':'))).getFileName().toString();
            String[] parts = line.substring(line.indexOf(':') + 1).trim().split("\\s+");
            for (int i = 0; i < parts.length; i += 2) {
                assertThat(String.format(Locale.ROOT, "%.4f", spark.get(file)[names.indexOf(parts[i])]))
                        .as(file + " " + parts[i]).isEqualTo(parts[i + 1]);
                compared.merge(file, 1, Integer::sum);
            }
        }
        assertThat(compared).hasSize(FILES).allSatisfy((f, n) -> assertThat(n).isEqualTo(10));
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
        System.out.printf(Locale.ROOT, "standalone, %s: 2x32 on two executor JVMs vs 1x64 in this JVM:"
                + " L2-relative %.3g, element/max %.3g%n", spec.optimizer().getClass().getSimpleName(), rel,
                DataParallelTrainingTest.worstElement(r.parameters(), whole));
        assertThat(rel).isLessThanOrEqualTo(DataParallelTrainingTest.SPLIT_TOLERANCE);
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
