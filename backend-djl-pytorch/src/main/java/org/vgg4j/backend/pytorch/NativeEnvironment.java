package org.vgg4j.backend.pytorch;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets libtorch's {@code THP_MEM_ALLOC_ENABLE=1} and its OpenMP's {@code GOMP_SPINCOUNT=1000} in this process's native
 * environment before libtorch loads, so that its CPU allocator backs large tensors with transparent huge pages and its
 * idle worker threads stop spinning soon enough to share the cores with a second run.
 *
 * <p>Without it every large activation is a fresh {@code mmap} whose 4 KiB pages fault in one by one; measured here
 * (2-core VM), the first convolution of VGG-11 at 224x224, batch 64, took 1.7 s instead of 0.24 s. Skipped when the
 * variable is already set, off Linux, or with {@code -Dvgg4j.pytorch.thp=false}; failures are logged, never thrown.
 * Uses JNA, which DJL's API already depends on.
 *
 * <p>The spin count is what the {@code ./vgg4j} launcher sets for its commands (README, "Sharing a machine": two
 * concurrent 32x32 trainings each took 1.75x their time alone instead of 3.6-4.2x); setting it here gives the same to
 * an application that embeds vgg4j. libgomp reads it once, when libtorch loads it. Skipped when {@code GOMP_SPINCOUNT}
 * or {@code OMP_WAIT_POLICY} is set, when the environment variable {@code VGG4J_THREAD_DEFAULTS} is {@code 0}, or with
 * {@code -Dvgg4j.pytorch.spincount=false}.
 */
final class NativeEnvironment {
    static final String THP_VARIABLE = "THP_MEM_ALLOC_ENABLE";
    static final String THP_PROPERTY = "vgg4j.pytorch.thp";
    static final String SPIN_VARIABLE = "GOMP_SPINCOUNT";
    static final String SPIN_VALUE = "1000";
    static final String SPIN_PROPERTY = "vgg4j.pytorch.spincount";
    private static final Logger LOG = LoggerFactory.getLogger(NativeEnvironment.class);

    /** The C library's {@code setenv}. */
    private interface CLibrary extends Library {
        int setenv(String name, String value, int overwrite);

        String getenv(String name);
    }

    private NativeEnvironment() {
    }

    /** Whether huge pages were switched on by this call. */
    static boolean enableHugePagesForLibtorch() {
        return Boolean.parseBoolean(System.getProperty(THP_PROPERTY, "true")) && setIfUnset(THP_VARIABLE, "1");
    }

    /** Whether the OpenMP spin count was set by this call (see the class comment for when it is skipped). */
    static boolean limitOpenMpSpinning() {
        return Boolean.parseBoolean(System.getProperty(SPIN_PROPERTY, "true"))
                && !"0".equals(System.getenv("VGG4J_THREAD_DEFAULTS")) && System.getenv("OMP_WAIT_POLICY") == null
                && setIfUnset(SPIN_VARIABLE, SPIN_VALUE);
    }

    /**
     * Sets {@code name=value} in the native environment on Linux unless the process was started with {@code name} set;
     * true if it did. Failures are logged, never thrown.
     */
    private static boolean setIfUnset(String name, String value) {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")
                || System.getenv(name) != null) {
            return false;
        }
        try {
            boolean ok = Native.load("c", CLibrary.class).setenv(name, value, 0) == 0;
            LOG.debug("{}={} for libtorch: {}", name, value, ok ? "set" : "setenv failed");
            return ok;
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("could not set {} for libtorch", name, e);
            return false;
        }
    }

    /** The process's native environment value of {@code name} (what libtorch sees), or null. */
    static String nativeValue(String name) {
        return Native.load("c", CLibrary.class).getenv(name);
    }
}
