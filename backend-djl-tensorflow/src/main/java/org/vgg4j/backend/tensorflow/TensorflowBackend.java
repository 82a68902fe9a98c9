package org.vgg4j.backend.tensorflow;

import ai.djl.engine.Engine;
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
 * The {@code tensorflow} backend: predicts and trains any core network with TensorFlow 2.16.1 as DJL ships it, each
 * network as one TensorFlow graph (TF-Java's {@code Graph}/{@code Session} from DJL's {@code tensorflow-api}) with
 * TensorFlow's own symbolic gradients; DJL's eager engine only loads the natives and lists the devices.
 *
 * <pre>{@code
 * Backend tf = Backends.discover().select("tensorflow");
 * try (Session s = tf.open(network, parameters, Device.cpu())) {
 *     Trainer t = s.trainer(TrainingSpec.adam(1e-3, 0));
 *     StepResult r = t.step(images, labels);
 * }
 * }</pre>
 *
 * <p>Threads: each session's pools are sized from the system properties {@code ai.djl.tensorflow.num_intraop_threads}
 * and {@code ai.djl.tensorflow.num_interop_threads} (default: all cores), which DJL's eager engine reads too.
 */
public final class TensorflowBackend implements Backend {
    /** The name users type. */
    public static final String NAME = "tensorflow";

    private static final Logger LOG = LoggerFactory.getLogger(TensorflowBackend.class);

    private final Engine engine;
    private final TfNatives.Location natives;
    private final int gpuCount;

    private TensorflowBackend(Engine engine, TfNatives.Location natives, int gpuCount) {
        this.engine = engine;
        this.natives = natives;
        this.gpuCount = gpuCount;
    }

    /**
     * Prepares the natives, starts DJL's TensorFlow engine and returns the backend.
     *
     * @return the backend, sharing DJL's TensorFlow engine
     * @throws IllegalStateException or DJL's {@code EngineException} when TensorFlow cannot load here
     */
    public static synchronized TensorflowBackend load() {
        TfNatives.Location natives = TfNatives.prepare();
        boolean onednn = OneDnn.enableByDefault();
        LOG.debug("TF_ENABLE_ONEDNN_OPTS {}", onednn ? "set to 1" : "left as it was");
        Engine engine = Engine.getEngine("TensorFlow");
        return new TensorflowBackend(engine, natives, countGpus(engine));
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
        return new TfSession(graph, parameters, resolved, precision);
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
