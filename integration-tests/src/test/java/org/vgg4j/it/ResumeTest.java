package org.vgg4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vgg4j.core.spi.Backend;

/**
 * Issue 3's resume criterion: a run stopped after epoch 1 and resumed gives the same epoch-2 metrics as an
 * uninterrupted run with the same seed (dropout on, so the backend's dropout masks must be reproducible too).
 */
class ResumeTest {
    @TempDir
    Path dir;

    static Stream<Backend> backends() {
        return BackendsUnderTest.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void resumedRunMatchesUninterruptedRun(Backend backend) throws Exception {
        BackendsUnderTest.assumeTrains(backend);
        RealData.assumeInstalled();
        String[] common = {"--backend", backend.name(), "--image-size", "32", "--train-limit", "2000",
            "--test-limit", "500", "--seed", "7", "--progress", "lines"};
        Path full = dir.resolve("full");
        assertThat(RealData.vgg4j(concat(common, "--epochs", "2", "--output", full.toString())).exit()).isZero();
        Path split = dir.resolve("split");
        assertThat(RealData.vgg4j(concat(common, "--epochs", "1", "--output", split.toString())).exit()).isZero();
        RealData.CliResult resumed = RealData.vgg4j("train", "--resume", split.toString(), "--epochs", "2",
                "--backend", backend.name(), "--progress", "lines");
        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("resuming from");
        List<String[]> a = RealData.metrics(full);
        List<String[]> b = RealData.metrics(split);
        assertThat(b).hasSize(2);
        for (int col : new int[] {1, 2, 3, 4}) {
            double x = Double.parseDouble(a.get(1)[col]);
            double y = Double.parseDouble(b.get(1)[col]);
            assertThat(y).as("epoch 2 column %d", col).isCloseTo(x, within(1e-4 + 1e-4 * Math.abs(x)));
        }
        AgreementTable.record("resumed epoch-2 train loss", "vgg11-r8 (2000 images)", backend.name(),
                "uninterrupted run", Math.abs(Double.parseDouble(a.get(1)[1]) - Double.parseDouble(b.get(1)[1])),
                1e-4);
    }

    private static String[] concat(String[] base, String... more) {
        String[] out = new String[base.length + more.length + 1];
        out[0] = "train";
        System.arraycopy(base, 0, out, 1, base.length);
        System.arraycopy(more, 0, out, 1 + base.length, more.length);
        return out;
    }
}
