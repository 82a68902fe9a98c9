package org.vgg4j.backend.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vgg4j.core.Device;
import org.vgg4j.core.DeviceUnavailableException;
import org.vgg4j.core.ErrorText;
import org.vgg4j.core.Vgg4jException;
import org.vgg4j.onnx.OnnxFormatException;

/**
 * The process-wide ONNX Runtime environment and the one place where ONNX Runtime sessions are created: applies
 * {@link OnnxRuntimeOptions}, picks the execution provider for the requested {@link Device}, and turns runtime errors
 * into vgg4j exceptions.
 */
final class OrtRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(OrtRuntime.class);

    /** A created ONNX Runtime session and the device it actually runs on. */
    record Created(OrtSession session, Device device) {
    }

    private OrtRuntime() {
    }

    /** The shared environment; loads the native library on first use. */
    static OrtEnvironment environment() {
        return OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING, "vgg4j");
    }

    /** Whether this ONNX Runtime build has the CUDA execution provider (the {@code onnxruntime_gpu} artifact). */
    static boolean hasCuda() {
        return OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
    }

    /** {@code cuda} or {@code cpu}: which native build is on the class path. */
    static String buildKind() {
        return hasCuda() ? "cuda" : "cpu";
    }

    /**
     * A session for the serialized model {@code model} on {@code device}.
     *
     * @throws DeviceUnavailableException if a GPU is requested and CUDA cannot be used
     * @throws OnnxFormatException        if ONNX Runtime rejects the model
     */
    static Created create(byte[] model, Device device, OnnxRuntimeOptions options, String source) {
        OrtEnvironment env = environment();
        if (device.kind() == Device.Kind.GPU) {
            if (!hasCuda()) {
                throw new DeviceUnavailableException("device " + device + " was requested but this ONNX Runtime build ("
                        + "com.microsoft.onnxruntime:onnxruntime " + env.getVersion() + ") has no CUDA execution "
                        + "provider; build with the Maven profile -Pcuda (artifact onnxruntime_gpu, needs CUDA 12 and "
                        + "cuDNN 9 on the host) or use device cpu");
            }
            try {
                return new Created(open(env, model, options, device.index(), source), device);
            } catch (OrtException e) {
                throw new DeviceUnavailableException("device " + device + ": ONNX Runtime could not start the CUDA "
                        + "execution provider (" + e.getMessage() + "); check the GPU, CUDA 12 and cuDNN 9, or use "
                        + "device cpu");
            }
        }
        if (device.kind() == Device.Kind.AUTO) {
            if (hasCuda()) {
                try {
                    return new Created(open(env, model, options, 0, source), Device.gpu(0));
                } catch (OrtException e) {
                    LOG.info("device auto: the CUDA execution provider failed ({}); using the CPU", e.getMessage());
                }
            } else {
                LOG.info("device auto: this ONNX Runtime build has no CUDA execution provider; using the CPU");
            }
        }
        try {
            return new Created(open(env, model, options, -1, source), Device.cpu());
        } catch (OrtException e) {
            throw new OnnxFormatException("ONNX Runtime rejected the model " + source + ": "
                    + ErrorText.quote(e.getMessage()), e);
        }
    }

    private static OrtSession open(OrtEnvironment env, byte[] model, OnnxRuntimeOptions options, int cudaDevice,
            String source) throws OrtException {
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(options.intraOpThreads());
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            so.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            if (!options.spinning()) {
                so.addConfigEntry("session.intra_op.allow_spinning", "0");
                so.addConfigEntry("session.inter_op.allow_spinning", "0");
            }
            if (cudaDevice >= 0) {
                so.addCUDA(cudaDevice);
            }
            OrtSession session = env.createSession(model, so);
            LOG.debug("ONNX Runtime session for {} ({} intra-op threads{}, {})", source, options.intraOpThreads(),
                    options.spinning() ? "" : ", not spinning", cudaDevice >= 0 ? "cuda:" + cudaDevice : "cpu");
            return session;
        }
    }

    /** Closes {@code session}, reporting a native failure as a vgg4j exception. */
    static void close(OrtSession session) {
        try {
            session.close();
        } catch (OrtException e) {
            throw new Vgg4jException("ONNX Runtime failed to close a session: " + e.getMessage(), e);
        }
    }
}
