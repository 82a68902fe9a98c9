package org.vgg4j.backend.tensorflow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.Vgg4jException;
import org.vgg4j.core.optim.Adam;
import org.vgg4j.core.optim.OptimizerSpec;
import org.vgg4j.core.optim.OptimizerState;
import org.vgg4j.core.optim.Sgd;
import org.vgg4j.core.param.Parameters;

/**
 * Adam or SGD with PyTorch's exact update rules (see {@link Adam} and {@link Sgd}), written as element-wise TensorFlow
 * kernels on the engine-layout parameters; keeps its state slots ({@code exp_avg}, {@code exp_avg_sq} or
 * {@code momentum_buffer}) in the session's manager.
 */
final class TfOptimizer implements AutoCloseable {
    private final OptimizerSpec spec;
    private final List<ParamLayout> layouts;
    private final NDManager owner;
    /** slot name -> parameter name -> state tensor (engine layout); empty before the first step, as in PyTorch. */
    private final Map<String, Map<String, NDArray>> slots = new HashMap<>();
    private long step;

    TfOptimizer(OptimizerSpec spec, List<ParamLayout> layouts, NDManager owner) {
        this.spec = spec;
        this.layouts = layouts;
        this.owner = owner;
    }

    private List<String> slotNames() {
        return spec instanceof Adam ? List.of(Adam.EXP_AVG, Adam.EXP_AVG_SQ) : List.of(Sgd.MOMENTUM_BUFFER);
    }

    /**
     * Updates {@code params} in place (each array replaced by its new value, owned by the session) from
     * {@code grads}; every temporary belongs to {@code k}'s step manager.
     */
    void update(Kernels k, Map<String, NDArray> params, Map<String, NDArray> grads) {
        step++;
        if (spec instanceof Adam a) {
            adam(k, a, params, grads);
        } else if (spec instanceof Sgd s) {
            sgd(k, s, params, grads);
        } else {
            throw new IllegalStateException("unknown optimizer " + spec);
        }
    }

    private void adam(Kernels k, Adam a, Map<String, NDArray> params, Map<String, NDArray> grads) {
        Map<String, NDArray> m = slot(k, Adam.EXP_AVG, params);
        Map<String, NDArray> v = slot(k, Adam.EXP_AVG_SQ, params);
        double bc1 = 1 - Math.pow(a.beta1(), step);
        double bc2 = 1 - Math.pow(a.beta2(), step);
        NDArray beta1 = k.scalar(a.beta1());
        NDArray oneMinusBeta1 = k.scalar(1 - a.beta1());
        NDArray beta2 = k.scalar(a.beta2());
        NDArray oneMinusBeta2 = k.scalar(1 - a.beta2());
        NDArray invSqrtBc2 = k.scalar(1 / Math.sqrt(bc2));
        NDArray eps = k.scalar(a.epsilon());
        NDArray stepSize = k.scalar(a.learningRate() / bc1);
        NDArray decay = a.weightDecay() > 0 ? k.scalar(a.weightDecay()) : null;
        for (ParamLayout layout : layouts) {
            String name = layout.name();
            NDArray p = params.get(name);
            NDArray g = grads.get(name);
            if (decay != null) {
                g = k.add(g, k.mul(p, decay));
            }
            NDArray m1 = k.add(k.mul(m.get(name), beta1), k.mul(g, oneMinusBeta1));
            NDArray v1 = k.add(k.mul(v.get(name), beta2), k.mul(k.mul(g, g), oneMinusBeta2));
            NDArray denom = k.add(k.mul(k.sqrt(v1), invSqrtBc2), eps);
            NDArray p1 = k.sub(p, k.div(k.mul(m1, stepSize), denom));
            replace(m, name, m1);
            replace(v, name, v1);
            replace(params, name, p1);
        }
    }

    private void sgd(Kernels k, Sgd s, Map<String, NDArray> params, Map<String, NDArray> grads) {
        NDArray lr = k.scalar(s.learningRate());
        NDArray decay = s.weightDecay() > 0 ? k.scalar(s.weightDecay()) : null;
        Map<String, NDArray> buf = s.momentum() > 0 ? slot(k, Sgd.MOMENTUM_BUFFER, params) : null;
        NDArray momentum = s.momentum() > 0 ? k.scalar(s.momentum()) : null;
        for (ParamLayout layout : layouts) {
            String name = layout.name();
            NDArray p = params.get(name);
            NDArray g = grads.get(name);
            if (decay != null) {
                g = k.add(g, k.mul(p, decay));
            }
            if (buf != null) {
                // PyTorch starts the buffer as a copy of the first gradient: 0 * momentum + g is the same.
                NDArray b1 = k.add(k.mul(buf.get(name), momentum), g);
                replace(buf, name, b1);
                g = b1;
            }
            replace(params, name, k.sub(p, k.mul(g, lr)));
        }
    }

    /** The slot's tensors, created as zeros (owned by the session) on first use. */
    private Map<String, NDArray> slot(Kernels k, String slotName, Map<String, NDArray> params) {
        Map<String, NDArray> slot = slots.get(slotName);
        if (slot == null) {
            slot = new LinkedHashMap<>();
            for (ParamLayout layout : layouts) {
                NDArray z = k.zeros(layout.engineShape().toLongArray());
                z.attach(owner);
                slot.put(layout.name(), z);
            }
            slots.put(slotName, slot);
        }
        return slot;
    }

    private void replace(Map<String, NDArray> map, String name, NDArray value) {
        value.attach(owner);
        NDArray old = map.put(name, value);
        if (old != null) {
            old.close();
        }
    }

    /** A host snapshot in the core layout. */
    OptimizerState state() {
        if (step == 0 || slots.isEmpty()) {
            return new OptimizerState(step, Map.of());
        }
        Map<String, Parameters> out = new LinkedHashMap<>();
        for (String slotName : slotNames()) {
            Map<String, NDArray> slot = slots.get(slotName);
            if (slot == null) {
                continue;
            }
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (ParamLayout layout : layouts) {
                tensors.put(layout.name(), layout.toCore(Kernels.floats(slot.get(layout.name()))));
            }
            out.put(slotName, Parameters.of(tensors));
        }
        return new OptimizerState(step, out);
    }

    /** Restores a snapshot after checking its step, slot names, tensor names and shapes. */
    void restore(Kernels sessionKernels, OptimizerState state, org.vgg4j.core.Network network) {
        if (state.step() < 0) {
            throw new Vgg4jException("optimizer state has a negative step count " + state.step());
        }
        List<String> expected = slotNames();
        List<String> unexpected = new ArrayList<>();
        for (String name : state.slots().keySet()) {
            if (!expected.contains(name)) {
                unexpected.add(name);
            }
        }
        boolean momentumFree = spec instanceof Sgd s && s.momentum() == 0;
        if (!unexpected.isEmpty() || (!state.slots().isEmpty() && !state.slots().keySet().containsAll(expected)
                && !momentumFree)) {
            throw new Vgg4jException("optimizer state with slots " + state.slots().keySet() + " does not fit "
                    + spec.getClass().getSimpleName() + ", which keeps " + expected + " (step " + state.step() + ")");
        }
        Map<String, Map<String, NDArray>> restored = new HashMap<>();
        for (Map.Entry<String, Parameters> e : state.slots().entrySet()) {
            Parameters conformed = e.getValue().conformTo(network);
            Map<String, NDArray> slot = new LinkedHashMap<>();
            for (ParamLayout layout : layouts) {
                NDArray a = sessionKernels.array(layout.toEngine(conformed.get(layout.name())),
                        layout.engineShape().toLongArray());
                slot.put(layout.name(), a);
            }
            restored.put(e.getKey(), slot);
        }
        close();
        slots.putAll(restored);
        step = state.step();
    }

    /** Frees the state tensors. */
    @Override
    public void close() {
        for (Map<String, NDArray> slot : slots.values()) {
            slot.values().forEach(NDArray::close);
        }
        slots.clear();
    }
}
