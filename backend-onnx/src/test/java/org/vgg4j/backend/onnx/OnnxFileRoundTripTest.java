package org.vgg4j.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.ShapeMismatchException;
import org.vgg4j.core.layer.Linear;
import org.vgg4j.core.layer.Relu;
import org.vgg4j.core.layer.Sequential;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.testing.TestData;
import org.vgg4j.onnx.ExportMetadata;
import org.vgg4j.onnx.OnnxExporter;

/**
 * A saved {@code .onnx} file opened directly serves the same network, weights, metadata and logits as the in-memory
 * export it came from.
 */
class OnnxFileRoundTripTest {

    @Test
    void openingASavedFileGivesTheSameLogitsAsTheInMemoryExport(@TempDir Path dir) {
        Network network = TestModels.smallVgg();
        Parameters params = TestData.heUniform(network, 5);
        ExportMetadata metadata = ExportMetadata.forNetwork(network).withTraining("tensorflow", "run-7");
        Path file = dir.resolve("vgg11.onnx");
        OnnxExporter.write(file, network, params, metadata);
        Tensor images = TestData.images(network.sampleShape().prepend(3), 9);

        OnnxBackend backend = new OnnxBackend();
        Tensor inMemory;
        try (OnnxSession session = backend.open(network, params, metadata, Device.cpu())) {
            inMemory = session.predict(images);
        }
        try (OnnxSession session = backend.openFile(file, Device.cpu())) {
            // The rebuilt network is the exported one, dropout layers included.
            assertThat(session.network()).isEqualTo(network);
            assertThat(session.parameters().maxAbsDiff(params)).isZero();
            assertThat(session.info().metadata()).isEqualTo(metadata);
            assertThat(session.device()).isEqualTo(Device.cpu());
            Tensor fromFile = session.predict(images);
            System.out.println("file vs in-memory logits: max abs diff " + fromFile.maxAbsDiff(inMemory));
            assertThat(fromFile.maxAbsDiff(inMemory)).isZero();
            // Any batch size: the batch dimension is dynamic.
            assertThat(session.predict(images.slice(0, 1)).shape()).isEqualTo(
                    network.outputShape(images.slice(0, 1).shape()));
        }
        assertThat(OnnxModelInfo.read(file).classNames()).containsExactlyElementsOf(metadata.classNames());
    }

    @Test
    void loadParametersReplacesTheWeights() {
        Network network = TestModels.smallVgg();
        Parameters first = TestData.heUniform(network, 1);
        Parameters second = TestData.heUniform(network, 2);
        Tensor images = TestData.images(network.sampleShape().prepend(2), 3);
        OnnxBackend backend = new OnnxBackend();
        Tensor expected;
        try (OnnxSession s = backend.open(network, second, Device.cpu())) {
            expected = s.predict(images);
        }
        try (OnnxSession s = backend.open(network, first, Device.cpu())) {
            Tensor before = s.predict(images);
            s.loadParameters(second);
            assertThat(s.parameters().maxAbsDiff(second)).isZero();
            assertThat(s.predict(images).maxAbsDiff(expected)).isZero();
            assertThat(before.maxAbsDiff(expected)).isGreaterThan(1e-3);
        }
    }

    @Test
    void aForeignChainModelIsRebuiltAndServed(@TempDir Path dir) throws Exception {
        // Written by hand as another tool might: unnamed nodes, Gemm with transB = 0 (weight stored [in, out]),
        // weights in float_data, a fixed batch of 2, no vgg4j metadata.
        float[] w = {1, -2, 3, 0.5f, 0, -1, 2, 1, -0.5f, 0.25f, 4, -3}; // [in 4, out 3]
        float[] b = {0.1f, -0.2f, 0.3f};
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder().setName("foreign")
                .addInput(value("x", 2, 4))
                .addOutput(value("y", 2, 3))
                .addInitializer(OnnxMl.TensorProto.newBuilder().setName("W").addDims(4).addDims(3)
                        .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                        .setRawData(littleEndian(w)))
                .addInitializer(OnnxMl.TensorProto.newBuilder().setName("B").addDims(3)
                        .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                        .addFloatData(b[0]).addFloatData(b[1]).addFloatData(b[2]))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Gemm").addInput("x").addInput("W").addInput("B")
                        .addOutput("h"))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Relu").addInput("h").addOutput("y"))
                .build();
        OnnxMl.ModelProto model = OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("by-hand")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(graph).build();
        Path file = dir.resolve("foreign.onnx");
        Files.write(file, model.toByteArray());

        try (OnnxSession s = new OnnxBackend().openFile(file, Device.cpu())) {
            assertThat(s.network().root()).isEqualTo(Sequential.of(new Linear(4, 3), new Relu()));
            assertThat(s.network().sampleShape()).isEqualTo(Shape.of(4));
            assertThat(s.classNames()).containsExactly("0", "1", "2");
            assertThat(s.parameters().get("0.weight").shape()).isEqualTo(Shape.of(3, 4));
            assertThatThrownBy(() -> s.predict(Tensor.zeros(Shape.of(1, 4))))
                    .isInstanceOf(ShapeMismatchException.class).hasMessageContaining("fixed batch size");
            float[] x = {1, 2, 3, 4, -1, 0.5f, 2, -2};
            float[] y = s.predict(Tensor.of(Shape.of(2, 4), x)).toArray();
            for (int n = 0; n < 2; n++) {
                for (int o = 0; o < 3; o++) {
                    double expected = b[o];
                    for (int i = 0; i < 4; i++) {
                        expected += x[n * 4 + i] * w[i * 3 + o];
                    }
                    assertThat((double) y[n * 3 + o]).isCloseTo(Math.max(0, expected),
                            within(1e-5));
                }
            }
        }
    }

    private static OnnxMl.ValueInfoProto value(String name, int... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (int d : dims) {
            shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()).setShape(shape))).build();
    }

    private static ByteString littleEndian(float[] values) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            buf.putFloat(v);
        }
        return ByteString.copyFrom(buf.array());
    }
}
