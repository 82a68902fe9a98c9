package org.vgg4j.backend.pytorch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Initializer;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.Trainer;
import org.vgg4j.core.testing.TestData;

/**
 * 300 training steps leave native memory flat: no array stays attached to the session's manager, and the resident
 * set grows by less than 64 MiB (glibc arenas move RSS by +-15 MiB; leaking the arrays of each step would add about
 * 3.5 MB a step, ~1 GB over the run).
 */
class MemoryTest {
    private static final int WARM_UP = 50;
    private static final int STEPS = 300;
    private static final long RSS_BOUND_MIB = 64;

    @Test
    void threeHundredStepsKeepNativeMemoryFlat() {
        Network net = PyTorchTesting.memoryProbe();
        Tensor images = TestData.images(net.sampleShape().prepend(32), 7);
        int[] labels = TestData.labels(32, 10, 8);
        Parameters params = Parameters.initialize(net, Initializer.TORCHVISION_VGG, 1);
        try (PyTorchSession s = (PyTorchSession) PyTorchTesting.backend().open(net, params, Device.cpu())) {
            Trainer trainer = s.trainer(TrainingSpec.adam(1e-3, 1));
            for (int i = 0; i < WARM_UP; i++) {
                trainer.step(images, labels);
                s.predict(images);
            }
            int arraysBefore = s.manager().getManagedArrays().size();
            System.gc();
            long rssBefore = PyTorchTesting.rssKib();
            for (int i = 0; i < STEPS; i++) {
                trainer.step(images, labels);
                if (i % 10 == 0) {
                    s.predict(images);
                    trainer.gradients(images, labels);
                }
            }
            System.gc();
            long rssAfter = PyTorchTesting.rssKib();
            int arraysAfter = s.manager().getManagedArrays().size();
            System.out.printf("memory: %d steps: VmRSS %d -> %d KiB (%+.1f MiB, bound %d MiB); arrays on the session "
                    + "manager %d -> %d%n", STEPS, rssBefore, rssAfter, (rssAfter - rssBefore) / 1024.0,
                    RSS_BOUND_MIB, arraysBefore, arraysAfter);
            // params (2 per layer) + Adam's exp_avg and exp_avg_sq for each
            assertThat(arraysAfter).isEqualTo(arraysBefore).isEqualTo(3 * net.parameterSpecs().size());
            assertThat(rssBefore).as("VmRSS readable from /proc/self/status").isPositive();
            assertThat(rssAfter - rssBefore).isLessThan(RSS_BOUND_MIB * 1024);
        }
    }
}
