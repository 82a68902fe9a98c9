package org.vgg4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./vgg4j} launcher caps how long libtorch's OpenMP threads spin ({@code GOMP_SPINCOUNT=1000}) unless the
 * user chose a spin count or a wait policy (README, "Sharing a machine"): the real launcher script runs in a copy of
 * the project layout whose {@code java} is a stub that prints the environment the JVM would have started with.
 */
class LauncherThreadDefaultsTest {
    @TempDir
    Path root;

    @BeforeEach
    void fakeApplication() throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash");
        Path launcher = root.resolve("vgg4j");
        Files.copy(Path.of("..", "vgg4j"), launcher);
        executable(launcher);
        // A built application as needs_build() sees it: the jar and lib/ exist, and no pom.xml or source is newer.
        Path lib = Files.createDirectories(root.resolve("cli/target/lib"));
        Files.writeString(lib.resolve("vgg4j-core.jar"), "stub");
        Files.writeString(root.resolve("cli/target/vgg4j-cli.jar"), "stub");
        Path java = Files.createDirectories(root.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/bash\necho \"OMP_WAIT_POLICY=${OMP_WAIT_POLICY-<unset>}\"\n"
                + "echo \"GOMP_SPINCOUNT=${GOMP_SPINCOUNT-<unset>}\"\n");
        executable(java);
    }

    @Test
    void capsTheSpinCountWhenTheUserSetNothing() throws Exception {
        assertThat(launch(Map.of())).contains("GOMP_SPINCOUNT=1000", "OMP_WAIT_POLICY=<unset>");
    }

    @Test
    void keepsTheUsersSpinCount() throws Exception {
        assertThat(launch(Map.of("GOMP_SPINCOUNT", "300000"))).contains("GOMP_SPINCOUNT=300000");
    }

    @Test
    void aWaitPolicyOfTheUsersGetsNoSpinCountBesideIt() throws Exception {
        // libgomp lets an explicit GOMP_SPINCOUNT override OMP_WAIT_POLICY's spinning, so adding one would undo it.
        assertThat(launch(Map.of("OMP_WAIT_POLICY", "PASSIVE")))
                .contains("OMP_WAIT_POLICY=PASSIVE", "GOMP_SPINCOUNT=<unset>");
        assertThat(launch(Map.of("OMP_WAIT_POLICY", ""))).contains("GOMP_SPINCOUNT=<unset>");
    }

    @Test
    void canBeTurnedOff() throws Exception {
        assertThat(launch(Map.of("VGG4J_THREAD_DEFAULTS", "0"))).contains("GOMP_SPINCOUNT=<unset>");
    }

    private String launch(Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", root.resolve("vgg4j").toString(), "--version")
                .redirectErrorStream(true);
        pb.environment().remove("OMP_WAIT_POLICY");
        pb.environment().remove("GOMP_SPINCOUNT");
        pb.environment().remove("VGG4J_THREAD_DEFAULTS");
        pb.environment().put("PATH", root.resolve("bin") + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private static void executable(Path file) throws IOException {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
