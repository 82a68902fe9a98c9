package org.vgg4j.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.onnx.ExportMetadata;
import org.vgg4j.onnx.OnnxExporter;
import org.vgg4j.onnx.OnnxFormatException;
import org.vgg4j.onnx.ParameterDigest;
import org.vgg4j.core.testing.TestData;

/**
 * Bad model files never reach ONNX Runtime unexplained: damaged, foreign or unsupported files give vgg4j exceptions
 * that name the file and say what is wrong (bad tensors, devices and training are the backend contract's cases).
 */
class OnnxBadInputTest {
    private static final Network NETWORK = TestModels.smallVgg();
    private static final Parameters PARAMS = TestData.heUniform(NETWORK, 1);

    @TempDir
    Path dir;

    @Test
    void truncatedFileIsReportedAsCorruptNamingTheFile() throws Exception {
        byte[] bytes = OnnxExporter.export(NETWORK, PARAMS, ExportMetadata.forNetwork(NETWORK));
        Path file = dir.resolve("truncated.onnx");
        Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> new OnnxBackend().openFile(file, Device.cpu()))
                .isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("corrupt");
    }

    @Test
    void damagedWeightsAreCaughtByTheDigest() throws Exception {
        byte[] bytes = OnnxExporter.export(NETWORK, PARAMS, ExportMetadata.forNetwork(NETWORK));
        OnnxMl.ModelProto model = OnnxMl.ModelProto.parseFrom(bytes);
        byte[] weights = model.getGraph().getInitializer(4).getRawData().toByteArray();
        int at = indexOf(bytes, weights) + weights.length / 2;
        bytes[at] ^= 0x01; // one bit of one float: still valid protobuf, different weights
        Path file = dir.resolve("damaged.onnx");
        Files.write(file, bytes);
        assertThatThrownBy(() -> new OnnxBackend().openFile(file, Device.cpu()))
                .isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("do not match the digest");
        // Reading only the metadata still works, and shows the digest that was recorded.
        assertThat(OnnxModelInfo.read(file).parameterDigest()).isEqualTo(ParameterDigest.sha256(PARAMS));
    }

    @Test
    void nonOnnxFilesAreReportedNamingTheFile() throws Exception {
        Path text = dir.resolve("notes.onnx");
        Files.writeString(text, "this is not a model\n", StandardCharsets.UTF_8);
        Path empty = dir.resolve("empty.onnx");
        Files.write(empty, new byte[0]);
        Path png = dir.resolve("image.onnx");
        Files.write(png, new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D',
                'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0});
        for (Path f : new Path[] {text, empty, png}) {
            assertThatThrownBy(() -> new OnnxBackend().openFile(f, Device.cpu()))
                    .as("file %s", f)
                    .isInstanceOf(OnnxFormatException.class)
                    .hasMessageContaining(f.toString())
                    .hasMessageContaining("not an ONNX model");
        }
        Path missing = dir.resolve("missing.onnx");
        assertThatThrownBy(() -> OnnxModelInfo.read(missing))
                .isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("does not exist");
    }

    @Test
    void operatorsOutsideVgg4jAreNamed() throws Exception {
        OnnxMl.ModelProto model = OnnxMl.ModelProto.parseFrom(
                OnnxExporter.export(NETWORK, PARAMS, ExportMetadata.forNetwork(NETWORK)));
        OnnxMl.GraphProto.Builder g = model.getGraph().toBuilder();
        g.getNodeBuilder(1).setOpType("Sigmoid");
        Path file = dir.resolve("sigmoid.onnx");
        Files.write(file, model.toBuilder().setGraph(g).build().toByteArray());
        assertThatThrownBy(() -> new OnnxBackend().openFile(file, Device.cpu()))
                .isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("vgg_block_1.1")
                .hasMessageContaining("Sigmoid is not a vgg4j layer");
        assertThat(OnnxModelInfo.read(file).sampleShape()).isEqualTo(NETWORK.sampleShape());
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("weights not found in the file");
    }
}
