package org.vgg4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.backend.onnx.OnnxModelFile;
import org.vgg4j.datasets.FashionMnist;

/**
 * {@code export --int8}: its options are validated (exit 2, one line), it calibrates on Fashion-MNIST's training
 * images and writes a QDQ file that {@code evaluate --onnx} and {@code predict --onnx} serve on ONNX Runtime, while
 * another backend refuses it; {@code evaluate --onnx} of the float export agrees with {@code evaluate --checkpoint}.
 */
class Int8ExportCliTest {
    @TempDir
    Path dir;

    @Test
    void calibrationOptionsNeedInt8AndARange() {
        Path ckpt = TestCheckpoints.save(dir.resolve("run"), 1);
        CliRun noInt8 = CliRun.of("export", "--checkpoint", ckpt.toString(), "--onnx", dir.resolve("a.onnx").toString(),
                "--calibration-images", "8");
        assertThat(noInt8.exit()).isEqualTo(2);
        assertThat(noInt8.errLines()).containsExactly("error: --calibration-images is for the calibration of an int8 "
                + "export; add --int8 or leave it out");
        CliRun zero = CliRun.of("export", "--checkpoint", ckpt.toString(), "--onnx", dir.resolve("a.onnx").toString(),
                "--int8", "--calibration-images", "0");
        assertThat(zero.exit()).isEqualTo(2);
        assertThat(zero.errLines()).hasSize(1).first().asString().contains("--calibration-images must be from 1");
        assertThat(dir.resolve("a.onnx")).doesNotExist();
    }

    @Test
    void int8FileIsEvaluatedAndPredictedOnOnnxRuntime() throws Exception {
        assumeTrue(Files.isRegularFile(FashionMnist.DEBIAN_DIR.resolve("train-images-idx3-ubyte.gz")),
                "skipped: needs Debian's dataset-fashion-mnist");
        Path ckpt = TestCheckpoints.save(dir.resolve("run"), 1);
        CliRun tooMany = CliRun.of("export", "--checkpoint", ckpt.toString(), "--onnx",
                dir.resolve("b.onnx").toString(), "--int8", "--calibration-images", "60001");
        assertThat(tooMany.exit()).isEqualTo(2);
        assertThat(tooMany.err()).contains("--calibration-images must be from 1 to 60000 (the training images of "
                + "fashion-mnist), got 60001");

        Path int8 = dir.resolve("int8.onnx");
        CliRun export = CliRun.of("export", "--checkpoint", ckpt.toString(), "--onnx", int8.toString(), "--int8",
                "--calibration-images", "40");
        assertThat(export.exit()).as(export.err()).isZero();
        assertThat(export.out()).contains("int8 QDQ, calibrated (min/max) on 40 training images of fashion-mnist");
        assertThat(OnnxModelFile.load(int8).quantized()).isTrue();

        CliRun eval = CliRun.of("evaluate", "--onnx", int8.toString(), "--test-limit", "64");
        assertThat(eval.exit()).as(eval.err()).isZero();
        assertThat(eval.out()).contains("on 64 test images (backend onnx").contains("accuracy ");

        Path image = dir.resolve("x.png");
        ImageIO.write(new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY), "png", image.toFile());
        CliRun predict = CliRun.of("predict", "--onnx", int8.toString(), image.toString());
        assertThat(predict.exit()).as(predict.err()).isZero();
        assertThat(predict.out()).contains("x.png");

        CliRun other = CliRun.of("evaluate", "--onnx", int8.toString(), "--backend", "pytorch", "--test-limit", "8");
        assertThat(other.exit()).isEqualTo(2);
        assertThat(other.errLines()).containsExactly("error: " + int8 + " is an int8 (QDQ) model, which only the "
                + "onnx backend runs; leave out --backend pytorch or use --backend onnx");
    }

    @Test
    void evaluateOnnxOfTheFloatExportMatchesTheCheckpoint() {
        assumeTrue(Files.isRegularFile(FashionMnist.DEBIAN_DIR.resolve("t10k-images-idx3-ubyte.gz")),
                "skipped: needs Debian's dataset-fashion-mnist");
        Path ckpt = TestCheckpoints.save(dir.resolve("run"), 1);
        Path fp32 = dir.resolve("fp32.onnx");
        assertThat(CliRun.of("export", "--checkpoint", ckpt.toString(), "--onnx", fp32.toString()).exit()).isZero();
        CliRun a = CliRun.of("evaluate", "--onnx", fp32.toString(), "--test-limit", "96");
        CliRun b = CliRun.of("evaluate", "--checkpoint", ckpt.toString(), "--backend", "onnx", "--test-limit", "96");
        assertThat(a.exit()).as(a.err()).isZero();
        assertThat(b.exit()).as(b.err()).isZero();
        assertThat(a.out().lines().skip(1).toList()).isEqualTo(b.out().lines().skip(1).toList());
    }
}
