package org.vgg4j.backend.pytorch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Without the libtorch natives jar on the class path, in a fresh JVM without {@code -Dai.djl.offline}, the provider
 * sets DJL offline, reports the backend unavailable with the reason and the fix, never throws, and downloads nothing.
 */
class MissingNativesTest {

    @Test
    void unavailableWithReasonAndNoDownloadWhenNativesAreMissing() throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> kept = Arrays.stream(classPath.split(File.pathSeparator))
                .filter(e -> !e.contains("pytorch-native-")).collect(Collectors.toList());
        assertThat(kept).hasSizeLessThan(classPath.split(File.pathSeparator).length);
        ProcessBuilder pb = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-cp",
                String.join(File.pathSeparator, kept), "-Dorg.slf4j.simpleLogger.defaultLogLevel=error",
                AvailabilityProbe.class.getName());
        pb.redirectErrorStream(true);
        pb.environment().remove("PYTORCH_LIBRARY_PATH");
        long start = System.nanoTime();
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("probe finished").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        System.out.printf("missing natives probe (%.1f s):%n%s", (System.nanoTime() - start) / 1e9, out);
        assertThat(p.exitValue()).isZero();
        assertThat(out).contains("available=false").contains("offline=true")
                .contains("libtorch natives not found").contains("ai.djl.pytorch:pytorch-native-cpu:2.7.1")
                .contains("create=backend 'pytorch' cannot run here");
    }
}
