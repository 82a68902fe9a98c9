package org.vgg4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.layer.Linear;
import org.vgg4j.core.layer.Sequential;
import org.vgg4j.core.param.Initializer;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.onnx.ExportMetadata;
import org.vgg4j.onnx.OnnxExporter;

/**
 * {@code predict --onnx} with a valid ONNX model whose input is not an image batch ([N, 784]) says so in one line; it
 * used to end in an ArrayIndexOutOfBoundsException and a stack trace.
 */
class PredictOnnxInputTest {
    @TempDir
    Path dir;

    @Test
    void aRank2InputIsOneLineNamingTheFileTheInputAndTheShapes() throws Exception {
        Network mlp = new Network("mlp", Sequential.of(new Linear(784, 10)), Shape.of(784));
        Path model = dir.resolve("mlp.onnx");
        OnnxExporter.write(model, mlp, Parameters.initialize(mlp, Initializer.PYTORCH_DEFAULT, 1),
                ExportMetadata.forNetwork(mlp));
        Path image = dir.resolve("x.png");
        ImageIO.write(new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY), "png", image.toFile());

        CliRun r = CliRun.of("predict", "--onnx", model.toString(), image.toString());

        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("error: " + model + ": input 'input' has shape [batch, 784]; predict "
                + "feeds square images, expected [N, channels, size, size]");
    }
}
