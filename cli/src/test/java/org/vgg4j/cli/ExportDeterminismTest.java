package org.vgg4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.core.Network;
import org.vgg4j.core.config.RunConfig;
import org.vgg4j.core.config.RunConfigJson;
import org.vgg4j.core.optim.OptimizerState;
import org.vgg4j.core.param.Initializer;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.train.Checkpoint;
import org.vgg4j.core.train.CheckpointStore;
import org.vgg4j.core.train.TrainingPosition;
import org.vgg4j.models.vgg.Vgg;
import org.vgg4j.models.vgg.VggConfig;
import org.vgg4j.models.vgg.VggVariant;
import org.vgg4j.onnx.OnnxMetadata;

/**
 * {@code vgg4j export} of one checkpoint gives the same bytes in separate JVM processes. The checkpoint's configuration
 * was a {@code Map.copyOf}, whose iteration order is salted per JVM, so a metadata value printed from it in iteration
 * order ({@code Map.toString()}) differed between runs; the configuration is now the typed run configuration as
 * canonical JSON with sorted keys at every level.
 */
class ExportDeterminismTest {
    @TempDir
    Path dir;

    @Test
    void twoProcessesExportIdenticalBytesWithTheConfigurationAsSortedJson() throws Exception {
        VggConfig config = VggConfig.d2l(VggVariant.VGG11).withRatio(64).withImageSize(32);
        Network net = Vgg.build(config);
        RunConfig reference = RunConfig.reference();
        RunConfig run = new RunConfig(config.toModelConfig(), reference.data(), reference.optimizer(),
                reference.training());
        Path json = new CheckpointStore(dir.resolve("run")).save("epoch-001", new Checkpoint(run, "pytorch",
                TrainingPosition.startOf(1), List.of(), Parameters.initialize(net, Initializer.TORCHVISION_VGG, 1),
                OptimizerState.initial()));

        List<byte[]> exports = new ArrayList<>();
        List<String> digests = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Path out = dir.resolve("model-" + i + ".onnx");
            exportInItsOwnProcess(json, out);
            exports.add(Files.readAllBytes(out));
            digests.add(CheckpointStore.sha256(out));
        }

        for (int i = 1; i < exports.size(); i++) {
            assertThat(digests.get(i)).as("SHA-256 of export %d against export 0 (config %s vs %s)", i,
                    metadata(exports.get(i)).get(OnnxMetadata.CONFIG), metadata(exports.get(0)).get(OnnxMetadata.CONFIG))
                    .isEqualTo(digests.get(0));
        }
        String written = metadata(exports.get(0)).get(OnnxMetadata.CONFIG);
        assertThat(written).isEqualTo(RunConfigJson.write(run));
        assertThat(RunConfigJson.parse(written)).isEqualTo(run);
        assertKeysSorted(new ObjectMapper().readTree(written));
    }

    private static void assertKeysSorted(JsonNode node) {
        if (node.isObject()) {
            List<String> keys = new ArrayList<>();
            node.fieldNames().forEachRemaining(keys::add);
            assertThat(keys).as("keys of %s", node).isSorted();
            node.elements().forEachRemaining(ExportDeterminismTest::assertKeysSorted);
        }
    }

    private static void exportInItsOwnProcess(Path checkpoint, Path out) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true", Main.class.getName(),
                "export", "--checkpoint", checkpoint.toString(), "--onnx", out.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
    }

    private static Map<String, String> metadata(byte[] model) throws IOException {
        Map<String, String> props = new LinkedHashMap<>();
        OnnxMl.ModelProto.parseFrom(model).getMetadataPropsList().forEach(e -> props.put(e.getKey(), e.getValue()));
        return props;
    }
}
