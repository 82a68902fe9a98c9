package org.vgg4j.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.layer.Linear;
import org.vgg4j.core.layer.Sequential;
import org.vgg4j.core.param.Initializer;
import org.vgg4j.core.param.NonFiniteValueException;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.testing.TestData;
import org.vgg4j.onnx.ExportMetadata;
import org.vgg4j.onnx.OnnxExporter;
import org.vgg4j.onnx.OnnxFormatException;

/**
 * Every ONNX graph vgg4j cannot serve, however it is malformed, is refused with one {@link OnnxFormatException} naming
 * the source, the node or value, and what was expected: never an ArithmeticException, IndexOutOfBoundsException,
 * IllegalArgumentException from a layer, or an allocation of what a header merely announces.
 */
class OnnxMalformedGraphTest {
    private static final Network NETWORK = TestModels.smallVgg();
    private static final OnnxMl.ModelProto MODEL = parse(OnnxExporter.export(NETWORK,
            TestData.heUniform(NETWORK, 3), ExportMetadata.forNetwork(NETWORK)));
    private static final String SOURCE = "edited.onnx";

    @Test
    void aRank2InputIsAValidModelWithItsShapeKnown() {
        // [N, 784] -> Linear: ONNX models like this exist; the import serves them, and predict refuses them by shape.
        Network mlp = new Network("mlp", Sequential.of(new Linear(784, 10)), Shape.of(784));
        OnnxModelFile file = OnnxModelFile.parse(OnnxExporter.export(mlp, Parameters.initialize(mlp,
                Initializer.PYTORCH_DEFAULT, 1), ExportMetadata.forNetwork(mlp)), "mlp.onnx");
        assertThat(file.info().sampleShape()).isEqualTo(Shape.of(784));
        assertThat(file.info().batchDimension()).isEqualTo("batch");
    }

    @Test
    void aMissingInitializerIsNamed() {
        refused(g -> g.getNodeBuilder(0).setInput(1, "nope"))
                .hasMessageContaining("node 'vgg_block_1.0' (Conv) reads 'nope', which is not a weight stored in the file");
    }

    @Test
    void namesFromTheFileCannotBreakTheErrorLine() {
        refused(g -> g.getNodeBuilder(1).setName("evil\n\u001b[31mred").setOpType("Softplus"))
                .hasMessageContaining("node 'evil\\n\\u001b[31mred' (Softplus)");
    }

    @Test
    void aNodeWithoutOutputIsNamed() {
        refused(g -> g.getNodeBuilder(1).clearOutput())
                .hasMessageContaining("node 'vgg_block_1.1' (Relu) has no output");
    }

    @Test
    void attributesOfTheWrongTypeAreNamedNotReadAsZero() {
        refused(g -> attribute(g.getNodeBuilder(0), "strides").setType(OnnxMl.AttributeProto.AttributeType.INT)
                .setI(1))
                .hasMessageContaining("node 'vgg_block_1.0' (Conv): attribute 'strides' has type INT, expected INTS");
    }

    @Test
    void attributeValuesBeyondIntAreNamed() {
        refused(g -> attribute(g.getNodeBuilder(0), "strides").setInts(0, 1L << 40).setInts(1, 1L << 40))
                .hasMessageContaining("node 'vgg_block_1.0' (Conv): attribute 'strides' holds 1099511627776, outside "
                        + "the int range");
    }

    @Test
    void attributeValuesALayerRefusesAreNamed() {
        refused(g -> attribute(g.getNodeBuilder(2), "strides").setInts(0, 0).setInts(1, 0))
                .hasMessageContaining("node 'vgg_block_1.2' (MaxPool): bad MaxPool2d(kernel=2, stride=0)");
        refused(g -> g.getNodeBuilder(1).setOpType("Dropout").addAttribute(OnnxMl.AttributeProto.newBuilder()
                .setName("ratio").setType(OnnxMl.AttributeProto.AttributeType.FLOAT).setF(1.5f)))
                .hasMessageContaining("node 'vgg_block_1.1' (Dropout): dropout probability must be in [0, 1), got 1.5");
    }

    @Test
    void weightShapesAreCheckedAgainstTheStoredDataBeforeAllocating() {
        // 2^20 x 2^10 floats announced (4 GiB), 36 bytes stored: refused, not allocated
        refused(g -> g.getInitializerBuilder(0).clearDims().addDims(1 << 20).addDims(1 << 10))
                .hasMessageContaining("weight 'vgg_block_1.0.weight' has shape [1048576, 1024] (1073741824 values) "
                        + "but the file holds");
        refused(g -> g.getInitializerBuilder(0).clearDims().addDims(1L << 31).addDims(4))
                .hasMessageContaining("weight 'vgg_block_1.0.weight' has dimension 0 = 2147483648; expected 0 to");
        refused(g -> g.getInitializerBuilder(0).setDims(0, -8))
                .hasMessageContaining("weight 'vgg_block_1.0.weight' has dimension 0 = -8");
    }

    @Test
    void zeroSizedWeightsAreALayerError() {
        refused(g -> g.getInitializerBuilder(0).clearDims().addDims(0).addDims(1).addDims(3).addDims(3)
                .setRawData(ByteString.EMPTY))
                .hasMessageContaining("node 'vgg_block_1.0' (Conv)");
    }

    @Test
    void inputDimensionsBeyondIntAreNamed() {
        refused(g -> g.getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().getDimBuilder(2)
                .setDimValue(1L << 40))
                .hasMessageContaining("input 'input' dimension 2 is 1099511627776, more than vgg4j supports");
        refused(g -> {
            var shape = g.getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
            shape.getDimBuilder(2).setDimValue(100_000);
            shape.getDimBuilder(3).setDimValue(100_000);
        }).hasMessageContaining("input 'input' has sample shape [1, 100000, 100000], more than the 2147483639 values");
    }

    @Test
    void duplicateInitializersAreNamed() {
        refused(g -> g.addInitializer(g.getInitializer(0)))
                .hasMessageContaining("two initializers named 'vgg_block_1.0.weight'");
    }

    @Test
    void nonFiniteWeightsAreRefusedNamingTheTensor() {
        OnnxMl.ModelProto.Builder m = MODEL.toBuilder().clearMetadataProps(); // no digest to catch it first
        OnnxMl.TensorProto.Builder w = m.getGraphBuilder().getInitializerBuilder(0);
        ByteBuffer raw = ByteBuffer.wrap(w.getRawData().toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
        raw.putFloat(8, Float.NaN);
        w.setRawData(ByteString.copyFrom(raw.array()));
        assertThatThrownBy(() -> OnnxModelFile.parse(m.build().toByteArray(), SOURCE))
                .isInstanceOf(NonFiniteValueException.class)
                .hasMessageContaining(SOURCE + ": tensor 'vgg_block_1.0.weight' [8, 1, 3, 3] holds NaN at index 2 (element [0, 0, 0, 2])");
    }

    @Test
    void batchNormAndAveragePoolsThatVgg4jCannotExpressAreNamed() {
        OnnxMl.ModelProto at32 = bnModel(32);
        refused(at32, g -> node(g, "features.1").addAttribute(OnnxMl.AttributeProto.newBuilder()
                .setName("training_mode").setType(OnnxMl.AttributeProto.AttributeType.INT).setI(1)))
                .hasMessageContaining("node 'features.1' (BatchNormalization) is not an inference-mode batch "
                        + "normalization");
        refused(at32, g -> {
            for (OnnxMl.TensorProto.Builder t : g.getInitializerBuilderList()) {
                if (t.getName().equals("avgpool.average_h")) {
                    t.setRawData(ByteString.copyFrom(new byte[t.getRawData().size()]));
                }
            }
        }).hasMessageContaining("node 'avgpool' (Einsum): its matrices [7, 1] and [7, 1] are not PyTorch's "
                + "adaptive average pooling bins");
        refused(at32, g -> attribute(node(g, "avgpool"), "equation").setS(ByteString.copyFromUtf8("nchw,ih,jw->ncji")))
                .hasMessageContaining("node 'avgpool' (Einsum) is not the adaptive average pool Einsum");
        OnnxMl.ModelProto at224 = bnModel(224);
        refused(at224, g -> node(g, "avgpool").addAttribute(OnnxMl.AttributeProto.newBuilder()
                .setName("ceil_mode").setType(OnnxMl.AttributeProto.AttributeType.INT).setI(1)))
                .hasMessageContaining("node 'avgpool' (AveragePool) is not a square, symmetrically padded, floor-mode "
                        + "average pool that counts padding");
        refused(at224, g -> node(g, "avgpool").clearDocString().addAttribute(OnnxMl.AttributeProto.newBuilder()
                .setName("pads").setType(OnnxMl.AttributeProto.AttributeType.INTS).addInts(1).addInts(1).addInts(1)
                .addInts(1)))
                .hasMessageContaining("count_include_pad=1");
    }

    private static OnnxMl.ModelProto bnModel(int size) {
        Network net = org.vgg4j.models.vgg.Vgg.build(org.vgg4j.models.vgg.VggConfig.torchvision("vgg11_bn", 10)
                .withRatio(8).withImageSize(size));
        return parse(OnnxExporter.export(net, TestData.unitScale(net, 1), ExportMetadata.forNetwork(net)));
    }

    private static OnnxMl.NodeProto.Builder node(OnnxMl.GraphProto.Builder g, String name) {
        return g.getNodeBuilderList().stream().filter(n -> n.getName().equals(name)).findFirst().orElseThrow();
    }

    private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> refused(
            Consumer<OnnxMl.GraphProto.Builder> edit) {
        return refused(MODEL, edit);
    }

    private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> refused(
            OnnxMl.ModelProto model, Consumer<OnnxMl.GraphProto.Builder> edit) {
        OnnxMl.ModelProto.Builder m = model.toBuilder();
        edit.accept(m.getGraphBuilder());
        byte[] bytes = m.build().toByteArray();
        return assertThatThrownBy(() -> OnnxModelFile.parse(bytes, SOURCE))
                .isInstanceOf(OnnxFormatException.class)
                .hasMessageStartingWith(SOURCE)
                .hasMessageNotContaining("\n");
    }

    private static OnnxMl.AttributeProto.Builder attribute(OnnxMl.NodeProto.Builder node, String name) {
        for (OnnxMl.AttributeProto.Builder a : node.getAttributeBuilderList()) {
            if (a.getName().equals(name)) {
                return a;
            }
        }
        throw new AssertionError("no attribute " + name);
    }

    private static OnnxMl.ModelProto parse(byte[] bytes) {
        try {
            return OnnxMl.ModelProto.parseFrom(bytes);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }
}
