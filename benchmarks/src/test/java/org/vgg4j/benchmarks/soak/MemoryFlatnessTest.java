package org.vgg4j.benchmarks.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vgg4j.benchmarks.TrainableBackends;

/**
 * The short version of the soak benchmark ({@link SoakBenchmark}): every trainable backend, in its own JVM, trains
 * the 32x32 narrow VGG-11 for {@value #STEPS} steps and the least-squares slope of its resident set over the last
 * {@value #WINDOW} steps must stay under {@value #BOUND_MIB_PER_STEP} MiB per step.
 *
 * <p>The child's Java heap is fixed and touched up front ({@code -Xms=-Xmx}, {@code AlwaysPreTouch}), so the heap
 * filling up, which takes hundreds of steps, cannot pass for growth; what is left is native memory, warmed up by the
 * first {@value #STEPS} - {@value #WINDOW} steps. The bound is half the 0.2 MiB per step that the issue asks to catch
 * (the first report saw 0.4), and 2.5 times the worst slope measured over steps 400-900 at load average 15-26
 * (pytorch with a 64 MiB young generation: 0.042 MiB/step; over 1,000 steps of this test 0.020, tensorflow 0.005;
 * see benchmarks/README.md, "Memory over a long run").
 */
class MemoryFlatnessTest {
    static final int STEPS = 900;
    static final int WINDOW = 500;
    static final int BATCH = 16;
    static final double BOUND_MIB_PER_STEP = 0.1;
    static final List<String> FIXED_HEAP = List.of("-Xms128m", "-Xmx128m", "-XX:+AlwaysPreTouch");

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.vgg4j.benchmarks.TrainableBackends#names")
    void residentSetStopsGrowing(String name, @TempDir Path dir) {
        assumeTrue(ProcessMemory.supported(), "resident memory is read from Linux's /proc/self/status");
        TrainableBackends.assumeTrainable(name);

        // One engine thread: with two, other processes on a 2-core machine stall OpenMP's barriers (2 s per step at
        // load 20, against 0.17 s with one thread).
        SoakConfig config = new SoakConfig(STEPS, 10, 32, BATCH, 1, 1, 0, FIXED_HEAP);
        SoakResult r = new SoakLauncher(dir, 1800).run(name, config, WINDOW);

        System.out.println(SoakBenchmark.summary(r) + "; load average " + SoakBenchmark.loadAverage());
        assertThat(r.rssSlopeMibPerStep()).as("%s: slope of the resident set over the last %d of %d steps, MiB/step",
                name, WINDOW, STEPS).isLessThan(BOUND_MIB_PER_STEP);
    }
}
