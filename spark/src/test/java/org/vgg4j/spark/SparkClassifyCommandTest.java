package org.vgg4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.core.Network;
import org.vgg4j.core.testing.TestData;
import org.vgg4j.models.vgg.VggConfig;
import org.vgg4j.models.vgg.VggVariant;
import org.vgg4j.onnx.ExportMetadata;
import org.vgg4j.onnx.OnnxExporter;

/**
 * {@code vgg4j spark-classify} end to end in {@code local[2]}: the count it prints (taken while writing, with an
 * Observation) is the number of rows Spark reads back from the Parquet it wrote, one per input file.
 */
class SparkClassifyCommandTest {

    @Test
    void printsTheCountOfTheRowsItWrote(@TempDir Path dir) throws Exception {
        Network net = VggNetworkSpec.of(VggConfig.d2l(VggVariant.VGG11).withRatio(8).withImageSize(32)).build();
        Path onnx = dir.resolve("model.onnx");
        OnnxExporter.write(onnx, net, TestData.unitScale(net, 3), ExportMetadata.forNetwork(net));
        Path images = Files.createDirectories(dir.resolve("images"));
        SplittableRandom rng = new SplittableRandom(9);
        for (int f = 0; f < 13; f++) {
            BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            for (int p = 0; p < 28 * 28; p++) {
                img.getRaster().setSample(p % 28, p / 28, 0, rng.nextInt(256));
            }
            ImageIO.write(img, "png", images.resolve("img-" + f + ".png").toFile());
        }
        Path output = dir.resolve("out.parquet");
        LocalSpark.stop();  // the command starts (and stops) its own session
        StringWriter out = new StringWriter();
        int code = SparkMain.execute(new String[] {"spark-classify", "--master", "local[2]", "--onnx", onnx.toString(),
                "--input", images.toString(), "--output", output.toString()}, new PrintWriter(out, true),
                new PrintWriter(new StringWriter(), true));
        assertThat(code).isZero();
        assertThat(out.toString()).startsWith("classified 13 images in ");
        assertThat(LocalSpark.get().read().parquet(output.toString()).count()).isEqualTo(13);
    }

    /**
     * 200 small files in {@code local[2]}: at Spark's 4 MB open cost they would come 32 to a task (7 tasks, 7 Parquet
     * files); spark-classify's 64 KB packs them into about one task per core.
     */
    @Test
    void packsSmallFilesIntoAboutOneTaskPerCore(@TempDir Path dir) throws Exception {
        Network net = VggNetworkSpec.of(VggConfig.d2l(VggVariant.VGG11).withRatio(8).withImageSize(32)).build();
        Path onnx = dir.resolve("model.onnx");
        OnnxExporter.write(onnx, net, TestData.unitScale(net, 3), ExportMetadata.forNetwork(net));
        Path images = Files.createDirectories(dir.resolve("images"));
        for (int f = 0; f < 200; f++) {
            BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
            img.getRaster().setSample(f % 8, f / 8 % 8, 0, 255);
            ImageIO.write(img, "png", images.resolve("img-" + f + ".png").toFile());
        }
        Path output = dir.resolve("out.parquet");
        LocalSpark.stop();
        StringWriter out = new StringWriter();
        int code = SparkMain.execute(new String[] {"spark-classify", "--master", "local[2]", "--onnx", onnx.toString(),
                "--input", images.toString(), "--output", output.toString()}, new PrintWriter(out, true),
                new PrintWriter(new StringWriter(), true));
        assertThat(code).isZero();
        assertThat(out.toString()).startsWith("classified 200 images in ");
        try (var files = Files.list(output)) {
            assertThat(files.filter(f -> f.getFileName().toString().startsWith("part-")).count())
                    .isBetween(1L, 3L);
        }
    }
}
