package org.vgg4j.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.core.Device;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.layer.AvgPool2d;
import org.vgg4j.core.testing.Python;

/**
 * An ONNX file that torch.onnx (Debian's torch 1.13) writes from torchvision's {@code vgg11_bn(num_classes=10)} in
 * eval mode at 224x224 is read by vgg4j ({@link OnnxModelFile}, the path under {@code predict --onnx}) and predicts
 * torch's own logits within 1e-4. torch folds batch norm into the convolutions, aliases equal weights with Identity
 * nodes and writes the 7x7 -> 7x7 adaptive pool as a 1x1 AveragePool. Skipped without python3 + torch + torchvision.
 */
class TorchOnnxImportTest {
    private static final double TOLERANCE = 1e-4;

    @Test
    void torchvisionVgg11BnExportedByTorchPredictsTorchsLogits(@TempDir Path dir) throws Exception {
        Optional<Python> python = Python.withModules("torch, torchvision, onnx");
        assumeTrue(python.isPresent(), "skipped: no python3 with torch, torchvision and onnx (Debian: "
                + "python3-torch python3-torchvision python3-onnx)");
        Path script = dir.resolve("torchvision_vgg_onnx.py");
        try (InputStream in = TorchOnnxImportTest.class.getResourceAsStream("/python/torchvision_vgg_onnx.py")) {
            Files.writeString(script, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        Python.Run run = python.get().script(script, dir.toString(), "224");
        assertThat(run.exitCode()).as(run.output()).isZero();

        Tensor images = Tensor.wrap(Shape.of(2, 3, 224, 224), floats(dir.resolve("input.f32")));
        Tensor expected = Tensor.wrap(Shape.of(2, 10), floats(dir.resolve("logits.f32")));
        assertThat(expected.maxAbs()).as("logits far from 0").isGreaterThan(100 * TOLERANCE);

        OnnxModelFile model = OnnxModelFile.load(dir.resolve("model.onnx"));
        assertThat(model.network().parameterSpecs()).extracting(s -> s.name())
                .contains("features.0.weight", "classifier.6.bias");
        assertThat(model.network().leaves(1)).anySatisfy(n -> {
            assertThat(n.path()).isEqualTo("avgpool");
            assertThat(n.layer()).isEqualTo(new AvgPool2d(1, 1));
        });
        Tensor actual;
        try (OnnxSession s = new OnnxBackend().open(model, Device.cpu())) {
            actual = s.predict(images);
        }
        double diff = actual.maxAbsDiff(expected);
        System.out.printf("%s; vgg4j (ONNX Runtime) vs torch: max|diff| %.3e, max|logits| %.4e%n",
                run.output().strip(), diff, expected.maxAbs());
        assertThat(diff).isLessThanOrEqualTo(TOLERANCE);
    }

    private static float[] floats(Path file) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[b.remaining() / Float.BYTES];
        b.asFloatBuffer().get(out);
        return out;
    }
}
