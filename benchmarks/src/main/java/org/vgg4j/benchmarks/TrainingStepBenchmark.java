package org.vgg4j.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.vgg4j.core.Device;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.core.spi.Backends;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.spi.StepResult;
import org.vgg4j.core.spi.Trainer;

/**
 * JMH: time of one {@link Trainer#step} (forward with dropout, cross-entropy, backward, Adam 1e-3) on a
 * {@link BenchWorkload} batch, per backend and size. A backend that cannot train fails its trial at set-up with its
 * stated limitation; {@link BenchmarksMain} leaves such backends out beforehand and prints why.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class TrainingStepBenchmark {
    /** The backend measured, by name; JMH runs each value (a backend that is not on the class path fails its run). */
    @Param({"pytorch", "tensorflow", "onnx"})
    public String backend;

    /** Image height and width in pixels (the network's input size); JMH runs each value. */
    @Param({"32", "96", "224"})
    public int size;

    /** Images per batch; 0 = the batch for the size (128 at 32x32, else 64). */
    @Param({"0"})
    public int batch;

    private Session session;
    private Trainer trainer;
    private Tensor images;
    private int[] labels;

    /**
     * Builds the seeded workload (VGG-11, ratio 8) and a CPU session with an Adam trainer (lr 0.001), once per trial.
     *
     * @throws UnsupportedOperationException if {@link #backend} cannot train (onnx), which skips its runs
     */
    @Setup(Level.Trial)
    public void open() {
        Backend b = Backends.discover().select(backend);
        if (!b.capabilities().training()) {
            throw new UnsupportedOperationException("backend " + backend + " cannot train, skipped: "
                    + b.capabilities().limitations());
        }
        BenchWorkload w = BenchWorkload.of(size, batch, 42);
        images = w.images();
        labels = w.labels();
        session = b.open(w.network(), w.parameters(), Device.cpu());
        trainer = session.trainer(TrainingSpec.adam(1e-3, 42));
    }

    /**
     * One training step (forward, backward, Adam update) on the batch: the measured operation.
     *
     * @return the step's result, returned so that JMH does not eliminate the call
     */
    @Benchmark
    public StepResult step() {
        return trainer.step(images, labels);
    }

    /** Closes the session, once per trial. */
    @TearDown(Level.Trial)
    public void close() {
        if (session != null) {
            session.close();
        }
    }
}
