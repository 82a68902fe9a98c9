package org.vgg4j.backend.pytorch;

import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Locale;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads DJL's PyTorch engine at most once per process and remembers the outcome; never throws.
 *
 * <p>Before DJL is touched it makes sure DJL cannot download anything: {@code ai.djl.offline} is set to {@code true}
 * unless the user set it, and when the libtorch natives are neither on the class path nor at
 * {@code PYTORCH_LIBRARY_PATH} the engine is reported unavailable without asking DJL at all.
 */
final class EngineLoader {
    static final String ENGINE_NAME = "PyTorch";
    static final String OFFLINE_PROPERTY = "ai.djl.offline";
    /** Where DJL's {@code pytorch-native-*} jars describe the libtorch build they carry. */
    static final String NATIVES_RESOURCE = "native/lib/pytorch.properties";
    static final String NATIVES_HINT = "add ai.djl.pytorch:pytorch-native-cpu:2.7.1 (classifier linux-x86_64) to the "
            + "class path (vgg4j-backend-djl-pytorch depends on it at runtime scope; a hand-made class path or a "
            + "shaded jar may have dropped it), or set PYTORCH_LIBRARY_PATH to a libtorch 2.7.1 lib directory";

    private static final Logger LOG = LoggerFactory.getLogger(EngineLoader.class);
    private static EngineStatus status;

    private EngineLoader() {
    }

    /** The engine's status, loading it on the first call. */
    static synchronized EngineStatus status() {
        if (status == null) {
            status = load();
        }
        return status;
    }

    private static EngineStatus load() {
        if (System.getProperty(OFFLINE_PROPERTY) == null) {
            System.setProperty(OFFLINE_PROPERTY, "true");
        }
        boolean offline = Boolean.parseBoolean(System.getProperty(OFFLINE_PROPERTY));
        String libraryPath = System.getenv("PYTORCH_LIBRARY_PATH");
        Properties natives = readNatives();
        String flavor;
        if (libraryPath != null && !libraryPath.isBlank()) {
            String f = System.getenv("PYTORCH_FLAVOR");
            flavor = f == null ? System.getProperty("PYTORCH_FLAVOR", "cpu") : f;
        } else if (natives != null) {
            flavor = natives.getProperty("flavor", "cpu");
        } else if (offline) {
            return EngineStatus.unavailable("libtorch natives not found: " + NATIVES_HINT
                    + ". (DJL would otherwise try to download libtorch; vgg4j runs DJL offline.)");
        } else {
            flavor = "unknown";
        }
        try {
            NativeEnvironment.enableHugePagesForLibtorch();
            NativeEnvironment.limitOpenMpSpinning();
            Engine engine = Engine.getEngine(ENGINE_NAME);
            boolean cuda = flavor.toLowerCase(Locale.ROOT).startsWith("cu")
                    || engine.hasCapability(StandardCapabilities.CUDA);
            int gpus = cuda ? Math.max(0, engine.getGpuCount()) : 0;
            String detail = "DJL " + Engine.getDjlVersion() + " / libtorch " + engine.getVersion() + " (" + flavor
                    + (cuda ? ", " + gpus + " GPU" + (gpus == 1 ? "" : "s") : "") + ")";
            LOG.debug("PyTorch engine loaded: {}", detail);
            return new EngineStatus(engine, detail, cuda, gpus);
        } catch (Exception | LinkageError e) {
            LOG.debug("PyTorch engine failed to load", e);
            String msg = e.getMessage() == null ? e.getClass().getName() : e.getClass().getSimpleName() + ": "
                    + e.getMessage();
            Throwable cause = e.getCause();
            if (cause != null && cause.getMessage() != null) {
                msg += " (caused by " + cause.getClass().getSimpleName() + ": " + cause.getMessage() + ")";
            }
            return EngineStatus.unavailable("the PyTorch engine failed to load: " + msg + ". If libtorch is "
                    + "missing or built for another platform, " + NATIVES_HINT);
        }
    }

    private static Properties readNatives() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        URL url = (cl == null ? EngineLoader.class.getClassLoader() : cl).getResource(NATIVES_RESOURCE);
        if (url == null) {
            url = EngineLoader.class.getClassLoader().getResource(NATIVES_RESOURCE);
        }
        if (url == null) {
            return null;
        }
        Properties p = new Properties();
        try (InputStream in = url.openStream()) {
            p.load(in);
            return p;
        } catch (IOException e) {
            return null;
        }
    }
}
