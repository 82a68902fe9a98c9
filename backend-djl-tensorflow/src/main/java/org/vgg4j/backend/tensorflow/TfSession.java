package org.vgg4j.backend.tensorflow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.tensorflow.Result;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TensorFlowException;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Vgg4jException;
import org.vgg4j.core.optim.SoftmaxCrossEntropy;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.InputChecks;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.spi.Trainer;

/**
 * A network on TensorFlow: one graph ({@link NetGraph}) run by one TensorFlow session, the parameters held as
 * TF-Java tensors in NHWC/HWIO layout and fed to every run. Not thread-safe.
 */
final class TfSession implements Session {
    private final TfGraph graph;
    private final NetGraph net;
    private final Device device;
    /** Trainable parameters and float buffers (running statistics), engine layout, by {@code state_dict} name. */
    private final TensorStore params = new TensorStore();
    /** The int64 counters ({@code num_batches_tracked}), on the host. */
    private final Map<String, Long> counters = new LinkedHashMap<>();
    private final List<TfTrainer> trainers = new ArrayList<>();
    private boolean closed;

    TfSession(TfGraph graph, Parameters parameters, Device device, Precision precision) {
        this.graph = graph;
        this.device = device;
        this.net = new NetGraph(graph, precision);
        try {
            loadParameters(parameters);
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
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
        return net.precision();
    }

    TfGraph graph() {
        return graph;
    }

    NetGraph net() {
        return net;
    }

    TensorStore params() {
        return params;
    }

    /** Tensors this session and its open trainers hold (parameters, buffers, optimizer slots). */
    long heldTensors() {
        long n = params.size();
        for (TfTrainer t : trainers) {
            n += t.heldTensors();
        }
        return n;
    }

    void opened(TfTrainer trainer) {
        trainers.add(trainer);
    }

    void closed(TfTrainer trainer) {
        trainers.remove(trainer);
    }

    @Override
    public org.vgg4j.core.Tensor predict(org.vgg4j.core.Tensor images) {
        ensureOpen();
        InputChecks.checkImages(network(), images);
        Shape out = network().outputShape(images.shape());
        return run(() -> {
            try (Tensor x = input(images)) {
                org.tensorflow.Session.Runner r = net.session().runner().feed(net.input, x);
                feedParams(r);
                try (Result res = r.fetch(net.output).run()) {
                    float[] values = Tensors.floats(res.get(0));
                    if (out.rank() == 4) {
                        // An image-shaped output (e.g. a VGG prefix) is NHWC on the engine; callers read NCHW.
                        values = Layouts.nhwcToNchw(values, out.dim(0), out.dim(1), out.dim(2), out.dim(3));
                    }
                    return org.vgg4j.core.Tensor.wrap(out, values);
                }
            }
        });
    }

    /** Feeds every parameter and buffer. */
    void feedParams(org.tensorflow.Session.Runner r) {
        for (Map.Entry<String, org.tensorflow.op.core.Placeholder<org.tensorflow.types.family.TNumber>> e
                : net.params.entrySet()) {
            r.feed(e.getValue(), params.get(e.getKey()));
        }
    }

    /** NCHW images as an NHWC tensor of the session's precision. */
    Tensor input(org.vgg4j.core.Tensor images) {
        Shape s = images.shape();
        if (s.rank() == 4) {
            float[] nhwc = Layouts.nchwToNhwc(images.toArray(), s.dim(0), s.dim(1), s.dim(2), s.dim(3));
            return Tensors.of(precision(), nhwc, s.dim(0), s.dim(2), s.dim(3), s.dim(1));
        }
        return Tensors.of(precision(), images.toArray(), s.toLongArray());
    }

    /** Runs {@code body}, turning a TensorFlow error into a {@link TensorflowOpException} with its first line. */
    static <T> T run(Supplier<T> body) {
        try {
            return body.get();
        } catch (TensorFlowException e) {
            String m = String.valueOf(e.getMessage());
            int nl = m.indexOf('\n');
            throw new TensorflowOpException("a TensorFlow graph run failed: " + (nl < 0 ? m : m.substring(0, nl)));
        }
    }

    @Override
    public Parameters parameters() {
        ensureOpen();
        Map<String, ParamLayout> engine = engineLayouts();
        Map<String, org.vgg4j.core.Tensor> out = new LinkedHashMap<>();
        for (org.vgg4j.core.layer.ParameterSpec spec : network().parameterSpecs()) {
            ParamLayout layout = engine.get(spec.name());
            out.put(spec.name(), layout != null ? layout.toCore(Tensors.floats(params.get(spec.name())))
                    : org.vgg4j.core.Tensor.wrapLongs(spec.shape(), new long[] {counters.get(spec.name())}));
        }
        return Parameters.of(out);
    }

    @Override
    public void loadParameters(Parameters parameters) {
        ensureOpen();
        Parameters conformed = parameters.conformTo(network());
        Map<String, Tensor> fresh = new LinkedHashMap<>();
        for (ParamLayout layout : engineLayouts().values()) {
            fresh.put(layout.name(), Tensors.of(precision(), layout.toEngine(conformed.get(layout.name())),
                    layout.engineShape().toLongArray()));
        }
        params.clear();
        fresh.forEach(params::put);
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

    /** After a training step: counts the batch in every {@code num_batches_tracked}, as PyTorch's train mode does. */
    void countBatch() {
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

    void ensureOpen() {
        if (closed) {
            throw new Vgg4jException("this tensorflow session is closed; open a new one");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            for (TfTrainer t : List.copyOf(trainers)) {
                t.close();
            }
            params.close();
            net.close();
            NativeMemory.trim();
        }
    }
}
