package org.vgg4j.backend.pytorch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/** The native environment libtorch sees: the OpenMP spin count is set unless the user chose one. */
class NativeEnvironmentTest {

    @Test
    void openMpSpinCountIsLimitedUnlessTheUserChoseOne() {
        assumeTrue(System.getProperty("os.name", "").toLowerCase().contains("linux"), "setenv is used on Linux");
        String user = System.getenv(NativeEnvironment.SPIN_VARIABLE);
        boolean policy = System.getenv("OMP_WAIT_POLICY") != null;
        boolean off = "0".equals(System.getenv("VGG4J_THREAD_DEFAULTS"));
        NativeEnvironment.limitOpenMpSpinning();
        String seen = NativeEnvironment.nativeValue(NativeEnvironment.SPIN_VARIABLE);
        if (user != null) {
            assertThat(seen).isEqualTo(user);
        } else if (policy || off) {
            assertThat(seen).isNull();
        } else {
            assertThat(seen).isEqualTo("1000");
        }
    }

    @Test
    void theSystemPropertyTurnsItOff() {
        assumeTrue(System.getenv(NativeEnvironment.SPIN_VARIABLE) == null, "the user set a spin count");
        String before = System.getProperty(NativeEnvironment.SPIN_PROPERTY);
        System.setProperty(NativeEnvironment.SPIN_PROPERTY, "false");
        try {
            assertThat(NativeEnvironment.limitOpenMpSpinning()).isFalse();
        } finally {
            if (before == null) {
                System.clearProperty(NativeEnvironment.SPIN_PROPERTY);
            } else {
                System.setProperty(NativeEnvironment.SPIN_PROPERTY, before);
            }
        }
    }
}
