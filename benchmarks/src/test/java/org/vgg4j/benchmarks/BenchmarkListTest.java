package org.vgg4j.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The JMH annotation processor ran at compile time: its benchmark list names both benchmarks, so
 * {@link BenchmarksMain} has something to run. (JMH itself never runs during {@code mvn verify}.)
 */
class BenchmarkListTest {
    @Test
    void jmhGeneratedTheListOfBothBenchmarks() throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("META-INF/BenchmarkList")) {
            assertThat(in).as("META-INF/BenchmarkList (written by jmh-generator-annprocess)").isNotNull();
            String list = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(list).contains("jmh_generated.InferenceBenchmark_predict_jmhTest",
                    "jmh_generated.TrainingStepBenchmark_step_jmhTest");
        }
    }

    @Test
    void workloadsAreTheIssuesAndSeeded() {
        assertThat(BenchWorkload.defaultBatch(32)).isEqualTo(128);
        assertThat(BenchWorkload.defaultBatch(96)).isEqualTo(64);
        assertThat(BenchWorkload.defaultBatch(224)).isEqualTo(64);
        BenchWorkload a = BenchWorkload.of(96, 0, 3);
        assertThat(a.images().shape().dims()).containsExactly(64, 1, 96, 96);
        assertThat(a.network().hasActiveDropout()).isTrue();
        assertThat(a.images().toArray()).isEqualTo(BenchWorkload.of(96, 0, 3).images().toArray())
                .isNotEqualTo(BenchWorkload.of(96, 0, 4).images().toArray());
    }
}
