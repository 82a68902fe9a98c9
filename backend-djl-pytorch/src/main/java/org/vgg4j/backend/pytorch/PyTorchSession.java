package org.vgg4j.backend.pytorch;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.Vgg4jException;
import org.vgg4j.core.layer.ParameterSpec;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.InputChecks;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.spi.Trainer;

/**
 * A network compiled to libtorch with its state held as arrays on one device (trained parameters as leaf arrays
 * requiring gradients; buffers and frozen parameters without, so autograd computes no gradient for them); every call scopes its temporaries in a sub-manager that is closed before it returns,
 * so native memory stays flat.
 */
final class PyTorchSession implements Session {
    private final Engine engine;
    private final Network network;
    private final Device device;
    private final NDManager manager;
    private final CompiledNetwork program;
    private final List<ParameterSpec> specs;
    private final NDArray[] params;
    private final HostStaging staging = new HostStaging();
    /** Indices into {@link #params} of the trainable parameters, in {@link Network#trainableSpecs()} order. */
    private final int[] trainable;
    private boolean closed;

    PyTorchSession(Engine engine, Network network, Parameters conformed, Device device) {
        this.engine = engine;
        this.network = network;
        this.device = device;
        this.program = CompiledNetwork.compile(network, !device.isGpu());
        this.specs = network.parameterSpecs();
        this.params = new NDArray[specs.size()];
        // frozen parameters are left out: no gradient is asked for, no optimizer state kept, no update made
        this.trainable = IntStream.range(0, specs.size()).filter(i -> network.trains(specs.get(i)))
                .toArray();
        this.manager = engine.newBaseManager(DeviceResolver.toDjl(device));
        try {
            load(conformed);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    @Override
    public Network network() {
        return network;
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public Tensor predict(Tensor images) {
        checkOpen();
        InputChecks.checkImages(network, images);
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = staging.copy(scope, images.buffer(), NdArrays.djlShape(images.shape()));
            NDArray logits = program.forward(x, params, false);
            return NdArrays.toTensor(logits, network.outputShape(images.shape()));
        }
    }

    @Override
    public Parameters parameters() {
        checkOpen();
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < params.length; i++) {
            ParameterSpec spec = specs.get(i);
            out.put(spec.name(), NdArrays.toTensor(params[i], spec.shape(), spec.dtype()));
        }
        return Parameters.of(out);
    }

    @Override
    public void loadParameters(Parameters parameters) {
        checkOpen();
        load(parameters.conformTo(network));
    }

    private void load(Parameters conformed) {
        for (int i = 0; i < params.length; i++) {
            ParameterSpec spec = specs.get(i);
            NDArray fresh = NdArrays.toNd(manager, conformed.get(spec.name()));
            if (network.trains(spec)) {
                fresh.setRequiresGradient(true);
            }
            if (params[i] != null) {
                params[i].close();
            }
            params[i] = fresh;
        }
    }

    @Override
    public Trainer trainer(TrainingSpec spec) {
        checkOpen();
        return new PyTorchTrainer(this, spec);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            manager.close();
        }
    }

    void checkOpen() {
        if (closed) {
            throw new Vgg4jException("this pytorch session is closed; open a new one with Backend.open(...)");
        }
    }

    Engine engine() {
        return engine;
    }

    NDManager manager() {
        return manager;
    }

    /** The session's host-to-engine staging buffer (the session is single-threaded, so is it). */
    HostStaging staging() {
        return staging;
    }

    CompiledNetwork program() {
        return program;
    }

    /** The live state arrays in {@code state_dict} order (replaced, not mutated, by {@link #loadParameters}). */
    NDArray[] params() {
        return params;
    }

    /** The live arrays of the trainable parameters, in {@link Network#trainableSpecs()} order (a fresh array). */
    NDArray[] trainableParams() {
        NDArray[] out = new NDArray[trainable.length];
        for (int i = 0; i < trainable.length; i++) {
            out[i] = params[trainable[i]];
        }
        return out;
    }

    /** The spec of every array of {@link #params()}, parameters and buffers. */
    List<ParameterSpec> specs() {
        return specs;
    }

    @Override
    public String toString() {
        return "pytorch session [" + network.name() + " on " + device + "]";
    }
}
