package org.vgg4j.backend.tensorflow;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.tensorflow.engine.TfNDManager;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.internal.c_api.TF_DeviceList;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.internal.c_api.global.tensorflow;
import org.vgg4j.core.Device;
import org.vgg4j.core.DeviceUnavailableException;
import org.vgg4j.core.Network;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.core.spi.Capabilities;
import org.vgg4j.core.spi.Session;

/**
 * The {@code tensorflow} backend: predicts and trains any core network on DJL's TensorFlow engine by running
 * TensorFlow's own forward and gradient kernels eagerly (DJL's TensorFlow engine cannot train by itself).
 *
 * <pre>{@code
 * Backend tf = Backends.discover().select("tensorflow");
 * try (Session s = tf.open(network, parameters, Device.cpu())) {
 *     Trainer t = s.trainer(TrainingSpec.adam(1e-3, 0));
 *     StepResult r = t.step(images, labels);
 * }
 * }</pre>
 *
 * <p>Threads: TensorFlow's pools are sized when the engine starts, from the system properties
 * {@code ai.djl.tensorflow.num_intraop_threads} and {@code ai.djl.tensorflow.num_interop_threads} (default: all cores).
 */
public final class TensorflowBackend implements Backend {
    /** The name users type. */
    public static final String NAME = "tensorflow";
    /** System property that turns the oneDNN max-pool kernels off ({@code false}). */
    public static final String ONEDNN_POOL_PROPERTY = "vgg4j.tensorflow.onednnPool";

    private static final Logger LOG = LoggerFactory.getLogger(TensorflowBackend.class);

    private final Engine engine;
    private final TfNatives.Location natives;
    private final int gpuCount;
    private final boolean onednnPool;

    private TensorflowBackend(Engine engine, TfNatives.Location natives, int gpuCount, boolean onednnPool) {
        this.engine = engine;
        this.natives = natives;
        this.gpuCount = gpuCount;
        this.onednnPool = onednnPool;
    }

    /**
     * Prepares the natives, starts DJL's TensorFlow engine and returns the backend.
     *
     * @return the backend, sharing DJL's TensorFlow engine
     * @throws IllegalStateException or DJL's {@code EngineException} when TensorFlow cannot load here
     */
    public static synchronized TensorflowBackend load() {
        TfNatives.Location natives = TfNatives.prepare();
        Engine engine = Engine.getEngine("TensorFlow");
        return new TensorflowBackend(engine, natives, countGpus(engine), probeOnednnPool(engine));
    }

    /**
     * Whether TensorFlow's oneDNN max-pool kernels can be called directly: they are ~1.4x faster per training step at
     * 224x224 than the Eigen {@code MaxPoolGrad}, but exist only in oneDNN CPU builds, for float32. Disabled with
     * {@code -D}{@value #ONEDNN_POOL_PROPERTY}{@code =false}.
     */
    private static boolean probeOnednnPool(Engine engine) {
        if (!Boolean.parseBoolean(System.getProperty(ONEDNN_POOL_PROPERTY, "true"))) {
            return false;
        }
        try (TfNDManager m = (TfNDManager) engine.newBaseManager(); TF_Status status = TF_Status.newStatus()) {
            Kernels k = new Kernels(m, status, Precision.FLOAT32, true);
            NDArray x = k.array(new float[] {1, 4, 3, 2, 5, 0, 7, 6}, 1, 2, 4, 1);
            NDArray[] yw = k.mklMaxPool(x, 2, 2);
            NDArray dx = k.mklMaxPoolGrad(x, yw[0], k.array(new float[] {1, 2}, 1, 1, 2, 1), yw[1], 2, 2);
            float[] expected = {0, 0, 0, 0, 1, 0, 2, 0};
            boolean ok = java.util.Arrays.equals(Kernels.floats(dx), expected);
            LOG.debug("oneDNN max pooling {}", ok ? "available" : "gives unexpected gradients: not used");
            return ok;
        } catch (RuntimeException e) {
            LOG.debug("oneDNN max pooling unavailable, using MaxPool/MaxPoolGrad: {}", e.getMessage());
            return false;
        }
    }

    private static int countGpus(Engine engine) {
        try (TfNDManager m = (TfNDManager) engine.newBaseManager(); TF_Status status = TF_Status.newStatus()) {
            TF_DeviceList list = tensorflow.TFE_ContextListDevices(m.getEagerSession(), status);
            if (tensorflow.TF_GetCode(status) != tensorflow.TF_OK) {
                return 0;
            }
            try {
                int count = 0;
                for (int i = 0; i < tensorflow.TF_DeviceListCount(list); i++) {
                    if ("GPU".equals(tensorflow.TF_DeviceListType(list, i, status).getString())) {
                        count++;
                    }
                }
                return count;
            } finally {
                tensorflow.TF_DeleteDeviceList(list);
            }
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Capabilities capabilities() {
        String limitations = natives.gpu() ? "" : "CPU natives only (build with -Pcuda for TensorFlow's GPU build)";
        return new Capabilities(true, natives.gpu(), engineDescription(), limitations);
    }

    /** Engine, version and natives, e.g. {@code DJL 0.36.0 / TensorFlow 2.16.1 (cpu, oneDNN)}. */
    String engineDescription() {
        return "DJL " + Engine.getDjlVersion() + " / TensorFlow " + engine.getVersion()
                + (natives.gpu() ? " (gpu natives, " + gpuCount + " GPU)" : " (cpu)");
    }

    @Override
    public List<Device> devices() {
        List<Device> out = new ArrayList<>();
        out.add(Device.cpu());
        for (int i = 0; i < gpuCount; i++) {
            out.add(Device.gpu(i));
        }
        return out;
    }

    @Override
    public Session open(Network network, Parameters parameters, Device device) {
        return open(network, parameters, device, Precision.FLOAT32);
    }

    /**
     * Opens a session that computes in {@code precision} ({@link Precision#FLOAT64} is for numerical checks).
     *
     * @param network    the network to run
     * @param parameters its weights
     * @param device     where to run it
     * @param precision  the floating-point type of the computation
     * @return the session; the caller closes it
     * @throws DeviceUnavailableException if {@code device} is a GPU this backend cannot use
     */
    public Session open(Network network, Parameters parameters, Device device, Precision precision) {
        Device resolved = resolve(device);
        TfGraph graph = TfGraph.compile(network);
        parameters.conformTo(network);
        ai.djl.Device djlDevice = resolved.isGpu() ? ai.djl.Device.gpu(resolved.index()) : ai.djl.Device.cpu();
        TfNDManager manager = (TfNDManager) engine.newBaseManager(djlDevice);
        try {
            return new TfSession(graph, parameters, resolved, precision, manager, onednnPool && !resolved.isGpu());
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private Device resolve(Device device) {
        if (device.kind() == Device.Kind.CPU) {
            return device;
        }
        if (device.kind() == Device.Kind.AUTO) {
            if (gpuCount > 0) {
                return Device.gpu(0);
            }
            LOG.info("tensorflow backend: no GPU usable ({}), running on the CPU",
                    natives.gpu() ? "the GPU natives found no CUDA device" : "TensorFlow's CPU natives are installed");
            return Device.cpu();
        }
        if (!natives.gpu()) {
            throw new DeviceUnavailableException("device " + device + " is not available to the tensorflow backend: "
                    + "it runs TensorFlow's CPU natives (" + natives.source() + "). Use --device cpu (or auto), or "
                    + "build with -Pcuda to get TensorFlow's GPU natives (needs CUDA 12.3 and cuDNN 8.9 on the host)");
        }
        if (device.index() >= gpuCount) {
            throw new DeviceUnavailableException("device " + device + " is not available to the tensorflow backend: "
                    + "TensorFlow sees " + gpuCount + " GPU(s). Devices: " + devices());
        }
        return device;
    }
}
