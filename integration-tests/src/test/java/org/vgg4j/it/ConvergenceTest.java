package org.vgg4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vgg4j.core.spi.Backend;

/**
 * Point 4 of the cross-backend proof, and issue 3's acceptance run: {@code vgg4j train --epochs 2 --image-size 32} on
 * all 60,000 real Fashion-MNIST training images reaches test accuracy >= 0.80 on every trainable backend.
 */
class ConvergenceTest {
    @TempDir
    Path dir;

    static Stream<Backend> backends() {
        return BackendsUnderTest.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void twoEpochsAt32PixelsReachEightyPercent(Backend backend) throws Exception {
        BackendsUnderTest.assumeTrains(backend);
        RealData.assumeInstalled();
        Path run = dir.resolve(backend.name());
        long t0 = System.nanoTime();
        RealData.CliResult r = RealData.vgg4j("train", "--backend", backend.name(), "--epochs", "2", "--image-size",
                "32", "--output", run.toString(), "--progress", "lines");
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(r.exit()).as(r.err()).isZero();
        List<String[]> rows = RealData.metrics(run);
        assertThat(rows).hasSize(2);
        double accuracy = Double.parseDouble(rows.get(1)[4]);
        AgreementTable.recordAtLeast(String.format(java.util.Locale.ROOT,
                "test accuracy, 2 epochs of 60,000 at 32x32 (%.0f s)", seconds), "vgg11-r8", backend.name(),
                "Fashion-MNIST test set", accuracy, 0.80);
        assertThat(accuracy).isGreaterThanOrEqualTo(0.80);
        assertThat(Double.parseDouble(rows.get(1)[1])).isLessThan(Double.parseDouble(rows.get(0)[1]));
        assertThat(r.out()).containsPattern("epoch 2, loss \\d\\.\\d{4}, train acc 0\\.\\d{3}, test acc 0\\.\\d{3}");
        assertThat(run.resolve("training.png")).isRegularFile();
        assertThat(run.resolve("checkpoints/epoch-002.json")).isRegularFile();
    }
}
