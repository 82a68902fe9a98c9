package org.vgg4j.backend.tensorflow;

import ai.djl.ndarray.NDArray;
import ai.djl.tensorflow.engine.TfNDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.tensorflow.internal.c_api.TFE_Executor;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.internal.c_api.global.tensorflow;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.Vgg4jException;
import org.vgg4j.core.optim.SoftmaxCrossEntropy;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.InputChecks;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.spi.Trainer;

/**
 * A network on TensorFlow: parameters held as engine tensors in NHWC/HWIO layout by a session-wide DJL manager, every
 * call's temporaries in a sub-manager closed before the call returns. Not thread-safe.
 */
final class TfSession implements Session {
    private final TfGraph graph;
    private final Device device;
    private final Precision precision;
    private final TfNDManager manager;
    private final TF_Status status;
    private final boolean onednnPool;
    /** Trainable parameters and float buffers (running statistics), engine layout, by {@code state_dict} name. */
    private final Map<String, NDArray> params = new LinkedHashMap<>();
    /** The int64 counters ({@code num_batches_tracked}), on the host. */
    private final Map<String, Long> counters = new LinkedHashMap<>();
    private boolean closed;

    TfSession(TfGraph graph, Parameters parameters, Device device, Precision precision, TfNDManager manager,
            boolean onednnPool) {
        this.graph = graph;
        this.onednnPool = onednnPool;
        this.device = device;
        this.precision = precision;
        this.manager = manager;
        this.status = TF_Status.newStatus();
        loadParameters(parameters);
    }

    @Override
    public Network network() {
        return graph.network();
    }

    @Override
    public Device device() {
        return device;
    }

    /** The precision this session computes in. */
    Precision precision() {
        return precision;
    }

    TfGraph graph() {
        return graph;
    }

    Map<String, NDArray> params() {
        return params;
    }

    @Override
    public Tensor predict(Tensor images) {
        ensureOpen();
        InputChecks.checkImages(network(), images);
        Shape out = network().outputShape(images.shape());
        return inStep(k -> {
            NDArray x = input(k, images);
            NDArray y = graph.forward(k, params, x, images.shape().dim(0), false, null, null);
            float[] values = Kernels.floats(y);
            if (out.rank() == 4) {
                // An image-shaped output (e.g. a VGG prefix) is NHWC on the engine; callers read core's NCHW.
                values = Layouts.nhwcToNchw(values, out.dim(0), out.dim(1), out.dim(2), out.dim(3));
            }
            return Tensor.wrap(out, values);
        });
    }

    /** Uploads NCHW images as an NHWC engine tensor. */
    NDArray input(Kernels k, Tensor images) {
        Shape s = images.shape();
        if (s.rank() == 4) {
            float[] nhwc = Layouts.nchwToNhwc(images.toArray(), s.dim(0), s.dim(1), s.dim(2), s.dim(3));
            return k.array(nhwc, s.dim(0), s.dim(2), s.dim(3), s.dim(1));
        }
        return k.array(images.toArray(), s.toLongArray());
    }

    @Override
    public Parameters parameters() {
        ensureOpen();
        Map<String, ParamLayout> engine = engineLayouts();
        Map<String, Tensor> out = new LinkedHashMap<>();
        try {
            for (org.vgg4j.core.layer.ParameterSpec spec : network().parameterSpecs()) {
                ParamLayout layout = engine.get(spec.name());
                out.put(spec.name(), layout != null ? layout.toCore(Kernels.floats(params.get(spec.name())))
                        : Tensor.wrapLongs(spec.shape(), new long[] {counters.get(spec.name())}));
            }
        } catch (RuntimeException e) {
            recover();
            throw e;
        }
        return Parameters.of(out);
    }

    @Override
    public void loadParameters(Parameters parameters) {
        ensureOpen();
        Parameters conformed = parameters.conformTo(network());
        Kernels k = sessionKernels();
        Map<String, NDArray> fresh = new LinkedHashMap<>();
        for (ParamLayout layout : engineLayouts().values()) {
            fresh.put(layout.name(), k.array(layout.toEngine(conformed.get(layout.name())),
                    layout.engineShape().toLongArray()));
        }
        params.values().forEach(NDArray::close);
        params.clear();
        params.putAll(fresh);
        counters.clear();
        for (String name : graph.counters()) {
            counters.put(name, conformed.get(name).getLong(0));
        }
    }

    /** Every tensor the engine holds (trainable parameters, then float buffers), by name. */
    private Map<String, ParamLayout> engineLayouts() {
        Map<String, ParamLayout> out = new LinkedHashMap<>();
        graph.layouts().forEach(l -> out.put(l.name(), l));
        graph.buffers().forEach(l -> out.put(l.name(), l));
        return out;
    }

    /**
     * After a training step: replaces the running statistics with the ones the step's forward pass computed (moved to
     * the session's manager) and counts the batch in every {@code num_batches_tracked}, as PyTorch's train mode does.
     */
    void storeBuffers(Map<String, NDArray> fresh) {
        if (graph.counters().isEmpty()) {
            return;
        }
        for (Map.Entry<String, NDArray> e : fresh.entrySet()) {
            e.getValue().attach(manager);
            NDArray old = params.put(e.getKey(), e.getValue());
            if (old != null) {
                old.close();
            }
        }
        counters.replaceAll((name, n) -> n + 1);
    }

    @Override
    public Trainer trainer(TrainingSpec spec) {
        ensureOpen();
        if (!(spec.loss() instanceof SoftmaxCrossEntropy)) {
            throw new UnsupportedOperationException("the tensorflow backend trains with softmax cross-entropy only, "
                    + "not " + spec.loss());
        }
        Shape logits = network().outputShape(network().sampleShape().prepend(1));
        if (logits.rank() != 2) {
            throw new IllegalArgumentException("network '" + network().name() + "' outputs " + logits
                    + " per sample, but softmax cross-entropy training needs [N, classes] logits; end the network with "
                    + "a Flatten and a Linear layer to train it (predict works as is)");
        }
        return new TfTrainer(this, spec);
    }

    /** Kernels whose results belong to the session (parameters, optimizer state). */
    Kernels sessionKernels() {
        return new Kernels(manager, status, precision, onednnPool);
    }

    /**
     * Runs {@code body} with kernels whose results belong to a fresh sub-manager, closed afterwards so that the call's
     * native memory is released; arrays that must outlive the call are attached to the session's manager by the body.
     */
    <T> T inStep(Function<Kernels, T> body) {
        ensureOpen();
        try (TfNDManager step = (TfNDManager) manager.newSubManager()) {
            T result = body.apply(new Kernels(step, status, precision, onednnPool));
            finishPending();
            return result;
        } catch (RuntimeException e) {
            recover();
            throw e;
        }
    }

    TfNDManager manager() {
        return manager;
    }

    /**
     * Waits until every kernel this call queued (DJL runs TensorFlow's eager context asynchronously) has run, so that
     * the call's memory is really released when it returns and an engine error is reported by the call that caused it.
     */
    private void finishPending() {
        TFE_Executor executor = tensorflow.TFE_ContextGetExecutorForThread(manager.getEagerSession());
        try {
            tensorflow.TFE_ExecutorWaitForAllPendingNodes(executor, status);
            if (tensorflow.TF_GetCode(status) != tensorflow.TF_OK) {
                String message = tensorflow.TF_Message(status).getString();
                throw new TensorflowOpException("a TensorFlow kernel failed: " + message);
            }
        } finally {
            tensorflow.TFE_DeleteExecutor(executor);
        }
    }

    /**
     * After an engine error (which validation should have prevented): waits for the asynchronous executor and clears
     * its error so that later calls are not cancelled.
     */
    private void recover() {
        TFE_Executor executor = tensorflow.TFE_ContextGetExecutorForThread(manager.getEagerSession());
        try (TF_Status s = TF_Status.newStatus()) {
            tensorflow.TFE_ExecutorWaitForAllPendingNodes(executor, s);
            tensorflow.TFE_ExecutorClearError(executor);
        } finally {
            tensorflow.TFE_DeleteExecutor(executor);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new Vgg4jException("this tensorflow session is closed; open a new one");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            params.clear();
            manager.close();
            status.close();
        }
    }
}
