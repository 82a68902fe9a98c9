package org.vgg4j.backend.pytorch;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
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
 * Steps allocate no direct buffers (their memory would wait for the garbage collector), and
 * 300 training steps leave native memory flat: no array stays attached to the session's manager, and the resident
 * set grows by less than 64 MiB (glibc arenas move RSS by +-15 MiB; leaking the arrays of each step would add about
 * 3.5 MB a step, ~1 GB over the run).
 */
class MemoryTest {
    private static final int WARM_UP = 50;
    private static final int STEPS = 300;
    private static final long RSS_BOUND_MIB = 64;

    private final Network net = PyTorchTesting.memoryProbe();
    private final Tensor images = TestData.images(net.sampleShape().prepend(32), 7);
    private final int[] labels = TestData.labels(32, 10, 8);

    private PyTorchSession openProbe() {
        Parameters params = Parameters.initialize(net, Initializer.TORCHVISION_VGG, 1);
        return (PyTorchSession) PyTorchTesting.backend().open(net, params, Device.cpu());
    }

    @Test
    void stepsAndPredictionsAllocateNoDirectBuffers() {
        // DJL's create(Buffer) copies a heap buffer into a fresh ByteBuffer.allocateDirect that lives until a GC
        // finds it: 160-400 MiB of dead inputs in a 32x32 run before the session staged its inputs (issue 9).
        try (PyTorchSession s = openProbe(); Trainer trainer = s.trainer(TrainingSpec.adam(1e-3, 1))) {
            trainer.step(images, labels);
            s.predict(images);
            long[] before = directBuffers();
            for (int i = 0; i < 40; i++) {
                trainer.step(images, labels);
                s.predict(images);
            }
            long[] after = directBuffers();
            System.out.printf("direct buffers over 40 steps and 40 predictions: %d -> %d (%d -> %d bytes)%n",
                    before[0], after[0], before[1], after[1]);
            // DJL's scalar arithmetic (loss.div(n)) still makes 4-byte direct buffers; inputs must not.
            long batchBytes = images.shape().elementCount() * Float.BYTES;
            assertThat(after[1] - before[1]).as("bytes of direct buffers left by 80 calls with %d-byte inputs",
                    batchBytes).isLessThan(batchBytes);
        }
    }

    /** Count and bytes of the JVM's live direct buffers. */
    private static long[] directBuffers() {
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                return new long[] {pool.getCount(), pool.getMemoryUsed()};
            }
        }
        throw new IllegalStateException("no direct buffer pool");
    }

    @Test
    void threeHundredStepsKeepNativeMemoryFlat() {
        try (PyTorchSession s = openProbe(); Trainer trainer = s.trainer(TrainingSpec.adam(1e-3, 1))) {
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
