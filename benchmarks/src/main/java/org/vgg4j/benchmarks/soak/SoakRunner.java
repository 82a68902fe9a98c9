package org.vgg4j.benchmarks.soak;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.vgg4j.benchmarks.BenchWorkload;
import org.vgg4j.core.Device;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.core.spi.Backends;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.spi.Trainer;

/**
 * The child process of a soak run: trains one backend for {@link SoakConfig#steps()} steps through the public SPI
 * only ({@link Backends}, {@link Session}, {@link Trainer}) and writes a {@link SoakSample} CSV row every
 * {@link SoakConfig#interval()} steps (and one before the first step) to the file named by its first argument.
 *
 * <p>Each step gets a freshly allocated batch (a copy of one of 8 seeded batches), as the data loader hands over a new
 * array per step, so the Java heap sees the same garbage as in {@code vgg4j train}. Nothing here calls the garbage
 * collector: the samples show what a user's process holds.
 *
 * <p>Arguments: {@code OUT.csv BACKEND STEPS INTERVAL SIZE BATCH SEED LEAK_KIB}.
 */
public final class SoakRunner {
    private static final int DISTINCT_BATCHES = 8;
    /** The deliberate leak: buffers kept reachable until the process ends. */
    private static final List<ByteBuffer> KEPT = new ArrayList<>();

    private SoakRunner() {
    }

    /**
     * Runs the soak of one backend and writes its CSV.
     *
     * @param args {@code OUT.csv BACKEND STEPS INTERVAL SIZE BATCH SEED LEAK_KIB}
     * @throws IOException if the CSV cannot be written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 8) {
            System.err.println("usage: SoakRunner OUT.csv BACKEND STEPS INTERVAL SIZE BATCH SEED LEAK_KIB");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        String backendName = args[1];
        int steps = Integer.parseInt(args[2]);
        int interval = Integer.parseInt(args[3]);
        int size = Integer.parseInt(args[4]);
        int batch = Integer.parseInt(args[5]);
        long seed = Long.parseLong(args[6]);
        int leakKib = Integer.parseInt(args[7]);

        Backend backend = Backends.discover().select(backendName);
        BenchWorkload w = BenchWorkload.of(size, batch, seed);
        Shape shape = w.images().shape();
        float[][] images = new float[DISTINCT_BATCHES][];
        int[][] labels = new int[DISTINCT_BATCHES][];
        Random random = new Random(seed);
        for (int b = 0; b < DISTINCT_BATCHES; b++) {
            images[b] = new float[Math.toIntExact(shape.elementCount())];
            for (int i = 0; i < images[b].length; i++) {
                images[b][i] = random.nextFloat();
            }
            labels[b] = random.ints(batch, 0, w.network().numClasses()).toArray();
        }
        try (PrintStream csv = new PrintStream(Files.newOutputStream(out), true, StandardCharsets.UTF_8);
             Session session = backend.open(w.network(), w.parameters(), Device.cpu());
             Trainer trainer = session.trainer(TrainingSpec.adam(1e-3, seed))) {
            csv.println(SoakSample.CSV_HEADER);
            long start = System.nanoTime();
            long since = start;
            csv.println(sample(0, start, start, 0).csv(backendName));
            for (int step = 1; step <= steps; step++) {
                int b = step % DISTINCT_BATCHES;
                trainer.step(Tensor.wrap(shape, images[b].clone()), labels[b]);
                if (leakKib > 0) {
                    KEPT.add(touched(leakKib));
                }
                if (step % interval == 0 || step == steps) {
                    long now = System.nanoTime();
                    int done = step % interval == 0 ? interval : step % interval;
                    csv.println(sample(step, start, now, (now - since) / 1e6 / done).csv(backendName));
                    since = System.nanoTime();
                }
            }
            System.out.println(SoakLauncher.BREAKDOWN + MemoryBreakdown.self());
            boolean released = MallocTrim.trim();
            System.out.println(SoakLauncher.TRIMMED + "VmRSS " + ProcessMemory.self().rssKib() / 1024 + " MiB after "
                    + "malloc_trim(0) (" + (released ? "glibc released memory" : "nothing released") + "); "
                    + MemoryBreakdown.self());
        }
    }

    /** {@code kib} KiB of native memory, every page written, so that it is resident. */
    private static ByteBuffer touched(int kib) {
        ByteBuffer b = ByteBuffer.allocateDirect(kib * 1024);
        for (int i = 0; i < b.capacity(); i += 512) {
            b.put(i, (byte) 1);
        }
        return b;
    }

    private static SoakSample sample(int step, long start, long now, double msPerStep) {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long direct = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                direct = pool.getMemoryUsed();
            }
        }
        return new SoakSample(step, (now - start) / 1e9, ProcessMemory.self(), heap.getUsed() / 1024,
                heap.getCommitted() / 1024, direct / 1024, msPerStep);
    }
}
