package org.vgg4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.onnx.ExportMetadata;
import org.vgg4j.onnx.OnnxExporter;
import org.vgg4j.cli.Main;
import org.vgg4j.core.Network;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.param.SafeTensors;
import org.vgg4j.core.testing.TestData;
import org.vgg4j.models.vgg.VggConfig;
import org.vgg4j.models.vgg.VggVariant;

/**
 * {@link VggSpark#classify} in {@code local[2,4]}: the same probabilities as {@code vgg4j predict} for the same files,
 * one session per JVM for a whole job, identical results when a task fails once and is retried, array input, a
 * checkpoint on another backend by name, and a bad file named in one message.
 */
class ClassifyTest {
    private static final VggNetworkSpec SPEC = VggNetworkSpec.of(
            VggConfig.d2l(VggVariant.VGG11).withRatio(8).withImageSize(32));
    private static final int FILES = 40;
    static final AtomicInteger INJECTED = new AtomicInteger();

    @TempDir
    static Path dir;
    static Path images;
    static Path onnx;
    static Path weights;

    @BeforeAll
    static void writeModelAndImages() throws Exception {
        Network net = SPEC.build();
        Parameters params = TestData.unitScale(net, 3);
        onnx = dir.resolve("model.onnx");
        OnnxExporter.write(onnx, net, params, ExportMetadata.forNetwork(net));
        weights = dir.resolve("model.safetensors");
        SafeTensors.write(weights, params, Map.of());
        images = Files.createDirectories(dir.resolve("images"));
        SplittableRandom rng = new SplittableRandom(5);
        for (int f = 0; f < FILES; f++) {
            // 28x28 grey pictures of a bright rectangle on noise: resized to 32x32 like Fashion-MNIST files.
            BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            int x0 = rng.nextInt(20);
            int y0 = rng.nextInt(20);
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    boolean inside = x >= x0 && x < x0 + 8 && y >= y0 && y < y0 + 8;
                    img.getRaster().setSample(x, y, 0, inside ? 200 + rng.nextInt(56) : rng.nextInt(60));
                }
            }
            ImageIO.write(img, "png", images.resolve(String.format("img-%02d.png", f)).toFile());
        }
    }

    private static Dataset<Row> files(SparkSession spark) {
        return spark.read().format("binaryFile").load(images.toString()).repartition(5);
    }

    private static Map<String, double[]> byPath(Dataset<Row> predictions) {
        Map<String, double[]> out = new HashMap<>();
        for (Row r : predictions.collectAsList()) {
            List<Double> p = r.getList(r.fieldIndex(VggSpark.PROBABILITIES));
            out.put(Path.of(java.net.URI.create(r.getString(r.fieldIndex("path")))).getFileName().toString(),
                    p.stream().mapToDouble(Double::doubleValue).toArray());
        }
        return out;
    }

    @Test
    void probabilitiesEqualVgg4jPredictsForTheSameFilesWithOneSessionPerJvm() throws Exception {
        int before = ExecutorSessions.openedCount();
        Dataset<Row> out = VggSpark.classify(files(LocalSpark.get()), new ModelSource.OnnxFile(onnx.toString()),
                ClassifyOptions.defaults().withBatchSize(3));
        assertThat(out.columns()).containsExactly("path", "modificationTime", "length", VggSpark.PREDICTION,
                VggSpark.PREDICTED_CLASS, VggSpark.PROBABILITY, VggSpark.PROBABILITIES);
        Map<String, double[]> spark = byPath(out);
        // 5 partitions, 2 task threads, batches of 3: one session for the whole job in this JVM.
        assertThat(ExecutorSessions.openedCount() - before).isEqualTo(1);
        assertThat(spark).hasSize(FILES);

        List<String> args = new ArrayList<>(List.of("predict", "--onnx", onnx.toString(), "--top-k", "10"));
        spark.keySet().stream().sorted().forEach(f -> args.add(images.resolve(f).toString()));
        StringWriter stdout = new StringWriter();
        int code = Main.execute(args.toArray(String[]::new), new PrintWriter(stdout, true),
                new PrintWriter(new StringWriter(), true));
        assertThat(code).isZero();
        List<String> names = ExportMetadata.defaultClassNames(10);
        int compared = 0;
        for (String line : stdout.toString().split("\n")) {
            String file = Path.of(line.substring(0, line.indexOf(':'))).getFileName().toString();
            String[] parts = line.substring(line.indexOf(':') + 1).trim().split("\\s+");
            double[] p = spark.get(file);
            assertThat(p).as(file).isNotNull();
            for (int i = 0; i < parts.length; i += 2) {
                int c = names.indexOf(parts[i]);
                // predict prints 4 decimals; Spark must round to exactly what it printed.
                assertThat(String.format(java.util.Locale.ROOT, "%.4f", p[c])).as(file + " " + parts[i])
                        .isEqualTo(parts[i + 1]);
            }
            if (i0(parts, names) != argMax(p)) {
                throw new AssertionError(file + ": predict's top class differs");
            }
            compared++;
        }
        assertThat(compared).isEqualTo(FILES);
    }

    private static int i0(String[] parts, List<String> names) {
        return names.indexOf(parts[0]);
    }

    private static int argMax(double[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return best;
    }

    @Test
    void aTaskFailingOnItsFirstAttemptIsRetriedWithIdenticalPredictions() {
        SparkSession spark = LocalSpark.get();
        ModelSource model = new ModelSource.OnnxFile(onnx.toString());
        ClassifyOptions options = ClassifyOptions.defaults().withBatchSize(4);
        Map<String, double[]> clean = byPath(VggSpark.classify(files(spark), model, options));
        INJECTED.set(0);
        Map<String, double[]> retried = byPath(VggSpark.classify(files(spark), model, options, context -> {
            if (context.partitionId() == 2 && context.attemptNumber() == 0) {
                INJECTED.incrementAndGet();
                throw new IllegalStateException("injected failure of partition 2, attempt 0");
            }
        }));
        assertThat(INJECTED.get()).isEqualTo(1);
        assertThat(retried.keySet()).isEqualTo(clean.keySet());
        clean.forEach((f, p) -> assertThat(retried.get(f)).as(f).containsExactly(p));
    }

    @Test
    void anArrayColumnAndACheckpointOnPytorchGiveTheSamePredictions() {
        SparkSession spark = LocalSpark.get();
        Map<String, double[]> reference = byPath(VggSpark.classify(files(spark),
                new ModelSource.OnnxFile(onnx.toString()), ClassifyOptions.defaults()));
        // The same images as arrays, decoded on the driver exactly as predict decodes them.
        org.vgg4j.datasets.image.ImageDecoder decoder = org.vgg4j.datasets.image.ImageDecoder.create();
        List<Row> rows = new ArrayList<>();
        for (String f : reference.keySet()) {
            float[] x = decoder.decode(images.resolve(f), org.vgg4j.datasets.image.PixelFormat.GREY)
                    .resized(32, 32).toTensor().toArray();
            Float[] boxed = new Float[x.length];
            for (int i = 0; i < x.length; i++) {
                boxed[i] = x[i];
            }
            rows.add(RowFactory.create(images.resolve(f).toUri().toString(), boxed));
        }
        StructType schema = new StructType().add("path", DataTypes.StringType)
                .add("pixels", DataTypes.createArrayType(DataTypes.FloatType));
        Dataset<Row> arrays = spark.createDataFrame(rows, schema).repartition(3);
        Map<String, double[]> fromArrays = byPath(VggSpark.classify(arrays, new ModelSource.OnnxFile(onnx.toString()),
                ClassifyOptions.defaults().withInputColumn("pixels").withBatchSize(7)));
        Map<String, double[]> onPytorch = byPath(VggSpark.classify(files(spark),
                new ModelSource.Checkpoint(weights.toString(), SPEC, List.of()),
                ClassifyOptions.defaults().withBackend("pytorch")));
        reference.forEach((f, p) -> {
            for (int c = 0; c < p.length; c++) {
                assertThat(fromArrays.get(f)[c]).as(f).isCloseTo(p[c], org.assertj.core.data.Offset.offset(1e-6));
                assertThat(onPytorch.get(f)[c]).as(f).isCloseTo(p[c], org.assertj.core.data.Offset.offset(1e-4));
            }
        });
    }

    @Test
    void aBadImageFailsTheJobWithOneMessageNamingTheFile() throws Exception {
        Path bad = Files.createDirectories(dir.resolve("bad"));
        Files.copy(images.resolve("img-00.png"), bad.resolve("good.png"));
        Files.writeString(bad.resolve("broken.png"), "not an image, just text");
        Dataset<Row> files = LocalSpark.get().read().format("binaryFile").load(bad.toString());
        assertThatThrownBy(() -> VggSpark.classify(files, new ModelSource.OnnxFile(onnx.toString()),
                ClassifyOptions.defaults()).collectAsList())
                .rootCause().hasMessageContaining("broken.png").hasMessageContaining("is not a PNG, JPEG, GIF or BMP");
        assertThatThrownBy(() -> VggSpark.classify(files, new ModelSource.OnnxFile(onnx.toString()),
                ClassifyOptions.defaults().withInputColumn("pixels")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'pixels' is not among");
    }
}
