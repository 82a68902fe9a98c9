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
import org.vgg4j.core.spi.Backends;
import org.vgg4j.core.spi.Session;

/**
 * JMH: time of one {@link Session#predict} of a {@link BenchWorkload} batch (host input to host logits) on each
 * backend and size; every backend can run it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class InferenceBenchmark {
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
    private Tensor images;

    /** Builds the seeded workload (VGG-11, ratio 8) and opens a CPU session on {@link #backend}, once per trial. */
    @Setup(Level.Trial)
    public void open() {
        BenchWorkload w = BenchWorkload.of(size, batch, 42);
        images = w.images();
        session = Backends.discover().select(backend).open(w.network(), w.parameters(), Device.cpu());
    }

    /**
     * One forward pass of the batch: the measured operation.
     *
     * @return the logits, returned so that JMH does not eliminate the call
     */
    @Benchmark
    public Tensor predict() {
        return session.predict(images);
    }

    /** Closes the session, once per trial. */
    @TearDown(Level.Trial)
    public void close() {
        if (session != null) {
            session.close();
        }
    }
}
