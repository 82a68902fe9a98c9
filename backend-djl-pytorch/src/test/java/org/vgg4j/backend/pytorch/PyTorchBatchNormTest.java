package org.vgg4j.backend.pytorch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.GradientResult;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.spi.Trainer;
import org.vgg4j.core.testing.ReferenceForward;
import org.vgg4j.core.testing.TestData;

/**
 * The libtorch batch norm (train and eval), average pool with padding and adaptive average pool agree with the
 * float64 reference, which core's ReferenceBatchNormTest checks against torch.nn: eval logits, the training pass's
 * loss and gradients, and the running statistics and batch count a training pass leaves behind.
 */
class PyTorchBatchNormTest {
    private final Network net = TestData.batchNormNetwork();
    private final Parameters params = TestData.withBatchNormStatistics(net, 17);
    private final Tensor images = TestData.images(net.sampleShape().prepend(5), 3);
    private final int[] labels = TestData.labels(5, 4, 4);

    @Test
    void evalLogitsUseTheRunningStatistics() {
        Tensor expected = ReferenceForward.logitsTensor(net, params, images);
        try (Session s = PyTorchTesting.backend().open(net, params, Device.cpu())) {
            double diff = s.predict(images).maxAbsDiff(expected);
            System.out.println("pytorch bn eval logits: max abs diff " + diff + " (scale " + expected.maxAbs() + ")");
            assertThat(diff).isLessThan(1e-5 * Math.max(1, expected.maxAbs()));
        }
    }

    @Test
    void trainingPassGradientsAndUpdatedRunningStatisticsMatchTheReference() {
        ReferenceForward.TrainingPass pass = ReferenceForward.trainingPass(net, params, images, labels, null);
        try (Session s = PyTorchTesting.backend().open(net, params, Device.cpu());
                Trainer t = s.trainer(TrainingSpec.adam(1e-3, 1))) {
            GradientResult result = t.gradients(images, labels);
            assertThat(result.loss()).isCloseTo(pass.loss(), org.assertj.core.data.Offset.offset(1e-5 * pass.loss()));
            for (Map.Entry<String, double[]> g : pass.gradients().entrySet()) {
                float[] ours = result.gradients().get(g.getKey()).toArray();
                double max = 0;
                double diff = 0;
                for (int i = 0; i < ours.length; i++) {
                    max = Math.max(max, Math.abs(g.getValue()[i]));
                    diff = Math.max(diff, Math.abs(ours[i] - g.getValue()[i]));
                }
                // a convolution bias right before a training-mode batch norm has a zero gradient (the batch mean
                // removes it), so its float32 value is rounding noise: an absolute floor of 1e-6 covers that
                assertThat(diff).as("grad " + g.getKey() + " (max " + max + ")").isLessThanOrEqualTo(1e-4 * max + 1e-6);
            }
            // gradients() updates nothing, buffers included (Trainer's contract); step() updates them once
            Parameters unchanged = s.parameters();
            for (String name : pass.buffers().keySet()) {
                assertThat(unchanged.get(name).maxAbsDiff(params.get(name))).as(name).isZero();
            }
            t.step(images, labels);
            Parameters after = s.parameters();
            assertThat(pass.buffers()).isNotEmpty();
            for (Map.Entry<String, double[]> b : pass.buffers().entrySet()) {
                Tensor t2 = after.get(b.getKey());
                for (int i = 0; i < b.getValue().length; i++) {
                    double v = b.getKey().endsWith("num_batches_tracked") ? t2.getLong(i) : t2.get(i);
                    assertThat(v).as(b.getKey() + "[" + i + "]")
                            .isCloseTo(b.getValue()[i], org.assertj.core.data.Offset.offset(1e-5));
                }
            }
            assertThat(after.get("features.1.num_batches_tracked").getLong(0)).isEqualTo(4);
        }
    }

    @Test
    void applyingAPassesGradientsEqualsTheStepOnABatchNormNetwork() {
        try (Session a = PyTorchTesting.backend().open(net, params, Device.cpu());
                Trainer ta = a.trainer(TrainingSpec.adam(1e-3, 1));
                Session b = PyTorchTesting.backend().open(net, params, Device.cpu());
                Trainer tb = b.trainer(TrainingSpec.adam(1e-3, 1))) {
            ta.step(images, labels);
            tb.applyGradients(tb.gradients(images, labels).gradients());
            Parameters pa = a.parameters();
            Parameters pb = b.parameters();
            for (var spec : net.trainableSpecs()) {
                assertThat(pb.get(spec.name()).maxAbsDiff(pa.get(spec.name()))).as(spec.name()).isLessThan(1e-6);
            }
        }
    }
}
