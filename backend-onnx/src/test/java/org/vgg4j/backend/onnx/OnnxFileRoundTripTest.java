package org.vgg4j.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.testing.TestData;

/**
 * A saved {@code .onnx} file opened directly serves the same network, weights, metadata and logits as the in-memory
 * export it came from.
 */
class OnnxFileRoundTripTest {

    @Test
    void openingASavedFileGivesTheSameLogitsAsTheInMemoryExport(@TempDir Path dir) {
        Network network = TestModels.smallVgg();
        Parameters params = TestModels.heUniform(network, 5);
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
        Parameters first = TestModels.heUniform(network, 1);
        Parameters second = TestModels.heUniform(network, 2);
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
}
