package org.vgg4j.backend.onnx;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.core.spi.Capabilities;
import org.vgg4j.onnx.ExportMetadata;
import org.vgg4j.onnx.OnnxFormatException;

/**
 * The {@code onnx} backend: serves any core network through ONNX Runtime for inference (no training), either by
 * exporting it in memory ({@link #open}) or from an existing {@code .onnx} file ({@link #openFile}).
 *
 * <p>Runs on the CPU with the CPU artifact; with the {@code onnxruntime_gpu} artifact (Maven profile {@code cuda}) it
 * runs on {@code gpu:N} through the CUDA execution provider, and {@code auto} tries the GPU before falling back to the
 * CPU.
 */
public final class OnnxBackend implements Backend {
    /** Why sessions of this backend cannot train. */
    public static final String TRAINING_UNSUPPORTED = "the onnx backend is inference-only: ONNX Runtime's training API "
            + "needs a training-enabled native build and none is published for desktop Java (the Maven artifacts "
            + "onnxruntime and onnxruntime_gpu are inference builds), so train with another backend and export the "
            + "result to ONNX";

    private final OnnxRuntimeOptions options;

    /**
     * A backend whose sessions use {@code options}.
     *
     * @param options thread count and NCHWc channel block for every session this backend opens
     */
    public OnnxBackend(OnnxRuntimeOptions options) {
        this.options = options;
    }

    /** A backend with {@link OnnxRuntimeOptions#defaults()}. */
    public OnnxBackend() {
        this(OnnxRuntimeOptions.defaults());
    }

    @Override
    public String name() {
        return OnnxBackendProvider.NAME;
    }

    @Override
    public Capabilities capabilities() {
        return new Capabilities(false, OrtRuntime.hasCuda(), "ONNX Runtime " + OrtRuntime.environment().getVersion()
                + " (" + OrtRuntime.buildKind() + ")", TRAINING_UNSUPPORTED);
    }

    /** {@code cpu}, plus {@code gpu:0} when the CUDA build is on the class path (devices are not enumerated). */
    @Override
    public List<Device> devices() {
        List<Device> out = new ArrayList<>();
        out.add(Device.cpu());
        if (OrtRuntime.hasCuda()) {
            out.add(Device.gpu(0));
        }
        return out;
    }

    /**
     * Exports {@code network} with {@code parameters} to ONNX in memory and opens an ONNX Runtime session on it; the
     * session's class names are {@code 0..K-1} (use {@link #open(Network, Parameters, ExportMetadata, Device)} to name
     * them).
     */
    @Override
    public OnnxSession open(Network network, Parameters parameters, Device device) {
        return open(network, parameters, ExportMetadata.forNetwork(network), device);
    }

    /**
     * As {@link #open(Network, Parameters, Device)}, with the metadata the in-memory model carries.
     *
     * @param network    the network to run
     * @param parameters its trained tensors; conformed to {@code network} (a mismatch is an error)
     * @param metadata   class names and provenance the session reports; one class name per network output
     * @param device     where to run: {@code cpu}, or {@code gpu:N} with the CUDA build of ONNX Runtime
     * @return a new session; the caller closes it
     * @throws org.vgg4j.core.param.ParameterMismatchException if {@code parameters} do not fit {@code network}
     */
    public OnnxSession open(Network network, Parameters parameters, ExportMetadata metadata, Device device) {
        return new OnnxSession(network, parameters.conformTo(network), metadata, null, device, options);
    }

    /**
     * Opens the ONNX model in {@code file}: its network is rebuilt from the graph (see {@link OnnxModelFile}), so
     * {@link OnnxSession#network()} gives the input shape and layers and {@link OnnxSession#classNames()} the classes.
     *
     * @param file   the {@code .onnx} file to read
     * @param device where to run: {@code cpu}, or {@code gpu:N} with the CUDA build of ONNX Runtime
     * @return a new session; the caller closes it
     * @throws OnnxFormatException naming the file if it is missing, corrupt, not ONNX or not a chain of vgg4j layers
     */
    public OnnxSession openFile(Path file, Device device) {
        return open(OnnxModelFile.load(file), device);
    }

    /**
     * Opens an already loaded model.
     *
     * @param model  a model read with {@link OnnxModelFile#load} or {@link OnnxModelFile#parse}
     * @param device where to run: {@code cpu}, or {@code gpu:N} with the CUDA build of ONNX Runtime
     * @return a new session on the model's network, parameters and metadata; the caller closes it
     */
    public OnnxSession open(OnnxModelFile model, Device device) {
        return new OnnxSession(model.network(), model.parameters(), model.info().metadata(), model, device, options);
    }
}
