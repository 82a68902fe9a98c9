package org.vgg4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.Test;

/** Spark's Java 17 options reach the tests and the launcher exactly as Spark's own launcher lists them. */
class SparkJavaOptionsTest {

    @Test
    void surefirePassesEveryOptionOfSparksLauncher() {
        List<String> jvm = ManagementFactory.getRuntimeMXBean().getInputArguments();
        assertThat(jvm).contains(JavaModuleOptions.defaultModuleOptionArray());
    }

    @Test
    void theVgg4jLauncherPassesTheSameList() throws Exception {
        String launcher = Files.readString(Path.of("..", "vgg4j"));
        String line = launcher.lines().map(String::strip).filter(l -> l.startsWith("SPARK_JAVA_OPTS=")).findFirst().orElseThrow();
        assertThat(line.substring(line.indexOf('"') + 1, line.lastIndexOf('"')).split(" "))
                .containsExactly(JavaModuleOptions.defaultModuleOptionArray());
    }

    @Test
    void aLocalJobRunsOnJava17() {
        // Shuffles go through Netty and direct buffers: the IllegalAccessError on sun.nio.ch.DirectBuffer without the
        // options shows up here.
        long distinct = LocalSpark.get().range(0, 1000, 1, 4).toDF("n").selectExpr("n % 7 AS k").distinct().count();
        assertThat(distinct).isEqualTo(7);
    }
}
