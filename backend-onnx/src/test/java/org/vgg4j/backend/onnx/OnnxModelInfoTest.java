package org.vgg4j.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vgg4j.core.Network;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.testing.TestData;
import org.vgg4j.onnx.ExportMetadata;
import org.vgg4j.onnx.OnnxExporter;
import org.vgg4j.onnx.OnnxMetadata;
import org.vgg4j.onnx.ParameterDigest;

/** What the exporter records in a model's metadata is what {@link OnnxModelInfo} reads back from its bytes. */
class OnnxModelInfoTest {
    private static final List<String> FASHION = List.of("t-shirt/top", "trouser", "pullover", "dress", "coat",
            "sandal", "shirt", "sneaker", "bag", "ankle boot");

    private final Network network = TestModels.smallVgg();
    private final Parameters params = TestData.heUniform(network, 1);
    private final ExportMetadata metadata = ExportMetadata.forNetwork(network).withConfig("vgg11 ratio=8 size=32")
            .withClassNames(FASHION).withTraining("pytorch", "run-42");

    @Test
    void metadataRecordsModelClassesDigestAndProvenance() {
        OnnxModelInfo info = OnnxModelFile.parse(OnnxExporter.export(network, params, metadata), "test").info();
        assertThat(info.metadata()).isEqualTo(metadata);
        assertThat(info.classNames()).containsExactlyElementsOf(FASHION);
        assertThat(info.parameterDigest()).isEqualTo(ParameterDigest.sha256(params)).hasSize(64);
        assertThat(info.properties()).containsEntry(OnnxMetadata.MODEL, "vgg11-r8")
                .containsEntry(OnnxMetadata.TRAINING_BACKEND, "pytorch")
                .containsEntry(OnnxMetadata.TRAINING_RUN, "run-42")
                .containsEntry(OnnxMetadata.PARAMETERS_COUNT, Long.toString(network.parameterCount()))
                .containsKey(OnnxMetadata.VERSION);
        assertThat(info.sampleShape()).isEqualTo(network.sampleShape());
        assertThat(info.batchDimension()).isEqualTo("batch");
        assertThat(info.classes()).isEqualTo(10);
        assertThat(info.producer()).startsWith("vgg4j ");
    }
}
