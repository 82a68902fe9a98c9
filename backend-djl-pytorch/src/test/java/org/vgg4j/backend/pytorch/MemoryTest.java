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
 * Steps and predictions allocate no direct buffers (their memory would wait for the garbage collector): the session
 * stages inputs through one reusable buffer. Flat native memory over many steps is core's contract
 * ({@code BackendContract.nativeMemoryStaysFlatOverManySteps}, kept by {@link PyTorchContractTest}).
 */
class MemoryTest {
    private final Network net = PyTorchTesting.narrowVgg11(32, 0);
    private final Tensor images = TestData.images(net.sampleShape().prepend(32), 7);
    private final int[] labels = TestData.labels(32, 10, 8);

    @Test
    void stepsAndPredictionsAllocateNoDirectBuffers() {
        // DJL's create(Buffer) copies a heap buffer into a fresh ByteBuffer.allocateDirect that lives until a GC
        // finds it: 160-400 MiB of dead inputs in a 32x32 run before the session staged its inputs (issue 9).
        Parameters params = Parameters.initialize(net, Initializer.TORCHVISION_VGG, 1);
        try (PyTorchSession s = (PyTorchSession) PyTorchTesting.backend().open(net, params, Device.cpu());
                Trainer trainer = s.trainer(TrainingSpec.adam(1e-3, 1))) {
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
}
