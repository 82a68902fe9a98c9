package org.vgg4j.spark;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.vgg4j.backend.onnx.OnnxModelInfo;
import org.vgg4j.datasets.image.ImageDecoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vgg4j spark-classify}: classifies every image file under a directory with an exported ONNX model on Spark
 * and writes one Parquet row per file (path, predicted class index and name, its probability, all probabilities).
 * The model and the input are checked on the driver before the job starts; a local output directory appears only
 * complete (written beside it, then renamed).
 */
@Command(name = "spark-classify", mixinStandardHelpOptions = true,
        description = "Classify image files (PNG, JPEG, GIF, BMP) on Apache Spark with an ONNX model; write Parquet.")
final class SparkClassifyCommand implements Callable<Integer> {
    @Option(names = "--master", description = "Spark master URL (default: the one spark-submit set, else local[*])")
    String master;
    @Option(names = "--onnx", required = true, description = "an ONNX model exported by vgg4j (vgg4j export)")
    String onnx;
    @Option(names = "--input", required = true, description = "directory (or glob) of image files; read recursively")
    String input;
    @Option(names = "--output", required = true, description = "Parquet output directory (must not exist)")
    String output;
    @Option(names = "--batch-size", defaultValue = "64", description = "images per engine call (default: ${DEFAULT-VALUE})")
    int batchSize;
    @Option(names = "--partitions", description = "repartition the files into N partitions (default: Spark's split)")
    Integer partitions;
    @Option(names = "--invert", description = "invert image files (dark-on-light photos for a light-on-dark model)")
    boolean invert;
    @Option(names = "--max-pixels", paramLabel = "N", description = "refuse image files declaring more than N pixels")
    long maxPixels = ImageDecoder.DEFAULT_MAX_PIXELS;
    @Option(names = "--debug", description = "print stack traces of errors")
    boolean debug;
    @Spec
    CommandSpec spec;

    /** Spark's cost of opening a file, in bytes of reading, when it packs files into tasks. */
    static final String OPEN_COST = "spark.sql.files.openCostInBytes";
    /** {@value #OPEN_COST} unless set (--conf, -D): measured 2.3x faster than Spark's 4 MB on 5,000 small PNGs. */
    static final long SMALL_FILE_OPEN_COST = 64 * 1024;

    /** {@code -Dvgg4j.spark.timings=true}: print where the whole process's seconds went (stderr), for the benchmark. */
    private static final boolean TIMINGS = Boolean.getBoolean("vgg4j.spark.timings");
    private static final long MAIN_NANOS = System.nanoTime();
    private static final long MAIN_WALL_MILLIS = System.currentTimeMillis();

    /** Spark's web UI: off unless set (--conf, -D). */
    static final String UI = "spark.ui.enabled";

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        ClassifyOptions options = ClassifyOptions.defaults().withBatchSize(batchSize).withInvert(invert)
                .withMaxPixels(maxPixels);
        if (partitions != null && partitions < 1) {
            throw new IllegalArgumentException("--partitions must be >= 1, got " + partitions);
        }
        Path localOutput = localPath(output);
        if (localOutput != null && Files.exists(localOutput)) {
            throw new IllegalArgumentException("--output " + output + " already exists; give a new directory");
        }
        Path localInput = localPath(input);
        if (localInput != null && !input.contains("*") && !Files.isDirectory(localInput)) {
            throw new IllegalArgumentException("--input " + input + (Files.exists(localInput)
                    ? " is not a directory" : " does not exist"));
        }
        // A missing, foreign or damaged model fails here, before Spark starts.
        OnnxModelInfo.read(Path.of(onnx));
        long sessionStart = System.nanoTime();
        SparkSession.Builder builder = SparkSession.builder().appName("vgg4j spark-classify");
        if (master != null) {
            builder.master(master);
        } else if (System.getProperty("spark.master") == null) {
            builder.master("local[*]");
        }
        if (System.getProperty(OPEN_COST) == null) {
            // Spark counts each file as 4 MB by default, so small image files come ~32 to a task and every task
            // writes its own Parquet file; counted as 64 KB, files are packed into about one task per core (at most
            // spark.sql.files.maxPartitionBytes, 128 MB, each).
            builder.config(OPEN_COST, SMALL_FILE_OPEN_COST);
        }
        if (System.getProperty(UI) == null) {
            // A one-shot command: nobody browses its web UI, and starting it costs start-up time.
            builder.config(UI, false);
        }
        SparkSession spark = builder.getOrCreate();
        long start = System.nanoTime();
        long stopStart = 0;
        try {
            Dataset<Row> files = spark.read().format("binaryFile").option("recursiveFileLookup", "true").load(input);
            if (partitions != null) {
                files = files.repartition(partitions);
            }
            Dataset<Row> predictions = VggSpark.classify(files, new ModelSource.OnnxFile(onnx), options)
                    .select("path", VggSpark.PREDICTION, VggSpark.PREDICTED_CLASS, VggSpark.PROBABILITY,
                            VggSpark.PROBABILITIES);
            String target = output;
            Path staging = null;
            if (localOutput != null) {
                staging = localOutput.resolveSibling("." + localOutput.getFileName() + ".writing-"
                        + ProcessHandle.current().pid());
                target = staging.toUri().toString();
            }
            // Counted while written (an Observation), not by a second job reading the Parquet back.
            Observation written = new Observation("written");
            predictions = predictions.observe(written, functions.count(functions.lit(1)).as("rows"));
            predictions.write().parquet(target);
            long rows = ((Number) written.getAsJava().get("rows")).longValue();
            if (staging != null) {
                Files.move(staging, localOutput, StandardCopyOption.ATOMIC_MOVE);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            out.println(String.format(Locale.ROOT, "classified %d images in %.1f s (%.1f images/s) -> %s", rows,
                    seconds, rows / seconds, output));
            stopStart = System.nanoTime();
            return 0;
        } finally {
            spark.stop();
            if (TIMINGS && stopStart != 0) {
                long now = System.nanoTime();
                double jvmToMain = (MAIN_WALL_MILLIS - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1e3;
                System.err.println(String.format(Locale.ROOT, "timings: JVM start to main %.2f s, main to Spark"
                        + " session %.2f s, session start %.2f s, job %.2f s (of which opening the model %.2f s),"
                        + " stop %.2f s", jvmToMain, (sessionStart - MAIN_NANOS) / 1e9, (start - sessionStart) / 1e9,
                        (stopStart - start) / 1e9, ExecutorSessions.openSeconds(), (now - stopStart) / 1e9));
            }
        }
    }

    /** The local file-system path of {@code location}, or null for another file system (hdfs://, s3a://, ...). */
    private static Path localPath(String location) {
        if (location.startsWith("file:")) {
            return Path.of(URI.create(location));
        }
        return location.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*") ? null : Path.of(location);
    }
}
