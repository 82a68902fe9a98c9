package org.vgg4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.core.Network;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.param.NonFiniteValueException;
import org.vgg4j.core.param.ParameterMismatchException;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.testing.TestData;
import org.vgg4j.models.vgg.Vgg;
import org.vgg4j.models.vgg.VggConfig;
import org.vgg4j.models.vgg.VggVariant;

/**
 * The exporter writes the graph, metadata and bytes the ONNX format and vgg4j's contract promise.
 */
class OnnxExporterTest {
    private static final List<String> FASHION = List.of("t-shirt/top", "trouser", "pullover", "dress", "coat",
            "sandal", "shirt", "sneaker", "bag", "ankle boot");

    private final Network network = Vgg.build(VggConfig.d2l(VggVariant.VGG11).withRatio(8).withImageSize(32));
    private final Parameters params = TestData.heUniform(network, 1);
    private final ExportMetadata metadata = ExportMetadata.forNetwork(network).withConfig("vgg11 ratio=8 size=32")
            .withClassNames(FASHION).withTraining("pytorch", "run-42");

    @Test
    void exportingTheSameModelTwiceGivesIdenticalBytes(@TempDir Path dir) throws Exception {
        byte[] first = OnnxExporter.export(network, params, metadata);
        // A fresh but equal network and parameters (new objects, same values) must give the same bytes too.
        Network again = Vgg.build(VggConfig.d2l(VggVariant.VGG11).withRatio(8).withImageSize(32));
        byte[] second = OnnxExporter.export(again, TestData.heUniform(again, 1), metadata);
        assertThat(second).isEqualTo(first);

        Path file = dir.resolve("a/model.onnx");
        OnnxExporter.write(file, network, params, metadata);
        assertThat(Files.readAllBytes(file)).isEqualTo(first);
        try (var listing = Files.list(file.getParent())) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactly("model.onnx");
        }
    }

    @Test
    void differentWeightsGiveDifferentBytesAndDigests() {
        Parameters other = TestData.heUniform(network, 2);
        assertThat(OnnxExporter.export(network, other, metadata)).isNotEqualTo(
                OnnxExporter.export(network, params, metadata));
        assertThat(ParameterDigest.sha256(other)).isNotEqualTo(ParameterDigest.sha256(params));
    }

    @Test
    void graphHasDynamicBatchNamedIoAndNoDropout() throws Exception {
        OnnxMl.ModelProto model = OnnxMl.ModelProto.parseFrom(OnnxExporter.export(network, params, metadata));
        assertThat(model.getIrVersion()).isEqualTo(8);
        assertThat(model.getOpsetImportList()).singleElement().satisfies(o -> {
            assertThat(o.getDomain()).isEmpty();
            assertThat(o.getVersion()).isEqualTo(17);
        });
        assertThat(model.getProducerName()).isEqualTo("vgg4j");
        assertThat(model.getProducerVersion()).isNotBlank().isNotEqualTo("unknown");

        OnnxMl.GraphProto g = model.getGraph();
        assertThat(g.getInputList()).singleElement().satisfies(in -> {
            assertThat(in.getName()).isEqualTo("input");
            List<OnnxMl.TensorShapeProto.Dimension> dims = in.getType().getTensorType().getShape().getDimList();
            assertThat(dims).hasSize(4);
            assertThat(dims.get(0).getDimParam()).isEqualTo("batch");
            assertThat(dims.subList(1, 4)).extracting(OnnxMl.TensorShapeProto.Dimension::getDimValue)
                    .containsExactly(1L, 32L, 32L);
        });
        assertThat(g.getOutputList()).singleElement().satisfies(out -> {
            assertThat(out.getName()).isEqualTo("logits");
            List<OnnxMl.TensorShapeProto.Dimension> dims = out.getType().getTensorType().getShape().getDimList();
            assertThat(dims.get(0).getDimParam()).isEqualTo("batch");
            assertThat(dims.get(1).getDimValue()).isEqualTo(10L);
        });
        assertThat(g.getNodeList()).extracting(OnnxMl.NodeProto::getOpType)
                .doesNotContain("Dropout", "Identity")
                .containsOnly("Conv", "Relu", "MaxPool", "Flatten", "Gemm");
        // Node names are layer paths; initializers are named like the PyTorch state_dict.
        assertThat(g.getNode(0).getName()).isEqualTo("vgg_block_1.0");
        assertThat(g.getNode(0).getInputList()).containsExactly("input", "vgg_block_1.0.weight",
                "vgg_block_1.0.bias");
        assertThat(g.getNode(g.getNodeCount() - 1).getOutput(0)).isEqualTo("logits");
        assertThat(g.getInitializerList()).extracting(OnnxMl.TensorProto::getName)
                .containsExactlyElementsOf(params.names());
    }

    @Test
    void refusesParametersThatDoNotFitAndWrongClassCounts() {
        Map<String, Tensor> missing = new LinkedHashMap<>(params.asMap());
        missing.remove("fc.7.bias");
        assertThatThrownBy(() -> OnnxExporter.export(network, Parameters.of(missing), metadata))
                .isInstanceOf(ParameterMismatchException.class).hasMessageContaining("fc.7.bias");
        assertThatThrownBy(() -> OnnxExporter.export(network, params, metadata.withClassNames(List.of("a", "b"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10 outputs")
                .hasMessageContaining("2 classes");
    }

    @Test
    void theExporterRefusesNonFiniteWeights() {
        Parameters p = params.map(t -> {
            float[] v = t.toArray();
            v[0] = Float.POSITIVE_INFINITY;
            return Tensor.wrap(t.shape(), v);
        });
        assertThatThrownBy(() -> OnnxExporter.export(network, p, metadata))
                .isInstanceOf(NonFiniteValueException.class)
                .hasMessageContaining("holds Infinity at index 0");
    }
}
