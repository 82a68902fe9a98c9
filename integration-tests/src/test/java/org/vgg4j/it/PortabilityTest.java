package org.vgg4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.onnx.ExportMetadata;
import org.vgg4j.backend.onnx.OnnxBackend;
import org.vgg4j.onnx.OnnxExporter;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.config.RunConfig;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Initializer;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.spi.Trainer;
import org.vgg4j.core.testing.TestData;
import org.vgg4j.core.train.Checkpoint;
import org.vgg4j.core.train.CheckpointStore;
import org.vgg4j.core.train.TrainingPosition;
import org.vgg4j.models.vgg.Vgg;
import org.vgg4j.models.vgg.VggConfig;
import org.vgg4j.models.vgg.VggVariant;

/**
 * Point 5 of the cross-backend proof and checkpoint portability: weights trained on each trainable backend, saved as a
 * checkpoint, load into every backend and predict the same logits, and their ONNX export runs on ONNX Runtime with
 * the same logits as the backend that trained them.
 */
class PortabilityTest {
    private static final double TOLERANCE = 1e-4;
    @TempDir
    Path dir;

    @Test
    void weightsTrainedOnEachBackendPredictTheSameEverywhereIncludingExportedOnnx() {
        Network net = Vgg.build(VggConfig.d2l(VggVariant.VGG11).withRatio(8).withImageSize(32));
        Tensor images = TestData.images(net.sampleShape().prepend(8), 31);
        for (Backend trainer : BackendsUnderTest.all()) {
            if (!trainer.capabilities().training()) {
                continue;
            }
            Parameters trained;
            Tensor expected;
            try (Session s = trainer.open(net, Parameters.initialize(net, Initializer.TORCHVISION_VGG, 30),
                    Device.cpu())) {
                Trainer t = s.trainer(TrainingSpec.adam(1e-3, 1));
                for (int i = 0; i < 5; i++) {
                    t.step(TestData.images(net.sampleShape().prepend(16), 100 + i), TestData.labels(16, 10, 200 + i));
                }
                trained = s.parameters();
                expected = s.predict(images);
                Path json = new CheckpointStore(dir.resolve(trainer.name())).save("epoch-001", new Checkpoint(
                        RunConfig.reference(), trainer.name(), TrainingPosition.startOf(1), List.of(), trained,
                        t.optimizerState()));
                trained = CheckpointStore.load(json).parameters();
            }
            for (Backend other : BackendsUnderTest.all()) {
                try (Session s = other.open(net, trained, Device.cpu())) {
                    double diff = s.predict(images).maxAbsDiff(expected);
                    AgreementTable.record("checkpoint logits", net.name(), other.name(), "trained on "
                            + trainer.name(), diff, TOLERANCE);
                    assertThat(diff).isLessThanOrEqualTo(TOLERANCE);
                }
            }
            Path onnx = dir.resolve(trainer.name() + ".onnx");
            OnnxExporter.write(onnx, net, trained, ExportMetadata.forNetwork(net).withTraining(trainer.name(), "it"));
            try (Session s = new OnnxBackend().openFile(onnx, Device.cpu())) {
                double diff = s.predict(images).maxAbsDiff(expected);
                AgreementTable.record("exported .onnx on ONNX Runtime", net.name(), "onnx file",
                        "trained on " + trainer.name(), diff, TOLERANCE);
                assertThat(diff).isLessThanOrEqualTo(TOLERANCE);
            }
        }
    }
}
