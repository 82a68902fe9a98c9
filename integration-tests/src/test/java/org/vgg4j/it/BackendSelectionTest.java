package org.vgg4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.vgg4j.core.spi.BackendStatus;
import org.vgg4j.core.spi.BackendUnavailableException;
import org.vgg4j.core.spi.Backends;

/**
 * Backend selection end to end: ServiceLoader finds every backend module on the class path, and the choice follows
 * the explicit name, then {@code -Dvgg4j.backend}, then {@code $VGG4J_BACKEND}, with errors that list what exists.
 */
class BackendSelectionTest {

    @Test
    void serviceLoaderFindsEveryBackendModule() {
        List<String> names = Backends.discover().list().stream().map(BackendStatus::name).toList();
        assertThat(names).contains("pytorch", "tensorflow", "onnx");
        assertThat(Backends.discover().select().name()).isEqualTo(names.get(0));
    }

    @Test
    void systemPropertyChoosesTheBackend() {
        String before = System.getProperty(Backends.PROPERTY);
        try {
            System.setProperty(Backends.PROPERTY, "onnx");
            assertThat(Backends.discover().select().name()).isEqualTo("onnx");
            assertThat(Backends.discover().select("tensorflow").name()).isEqualTo("tensorflow");
            System.setProperty(Backends.PROPERTY, "caffe");
            assertThatThrownBy(() -> Backends.discover().select())
                    .isInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining("unknown backend 'caffe' (from -Dvgg4j.backend)")
                    .hasMessageContaining("pytorch (available)").hasMessageContaining("onnx (available)");
        } finally {
            if (before == null) {
                System.clearProperty(Backends.PROPERTY);
            } else {
                System.setProperty(Backends.PROPERTY, before);
            }
        }
    }

    @Test
    void environmentVariableChoosesTheBackendOfTheCommand() throws Exception {
        Process p = command("onnx", "backends");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(out).contains("picks: onnx");
        Process bad = command("nonesuch", "backends");
        String badOut = new String(bad.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bad.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(bad.exitValue()).isNotZero();
        assertThat(badOut).contains("unknown backend 'nonesuch' (from $VGG4J_BACKEND)").doesNotContain("Exception");
    }

    private static Process command(String envBackend, String... args) throws IOException {
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true",
                "org.vgg4j.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put(Backends.ENV, envBackend);
        return pb.start();
    }
}
