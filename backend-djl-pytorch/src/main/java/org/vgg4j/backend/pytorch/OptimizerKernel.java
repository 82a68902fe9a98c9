package org.vgg4j.backend.pytorch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vgg4j.core.Network;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.layer.ParameterSpec;
import org.vgg4j.core.optim.Adam;
import org.vgg4j.core.optim.AdamW;
import org.vgg4j.core.optim.OptimizerSpec;
import org.vgg4j.core.optim.OptimizerState;
import org.vgg4j.core.optim.Sgd;
import org.vgg4j.core.param.Parameters;

/**
 * An optimizer's in-place update of libtorch weight arrays and its per-parameter state slots, one array per trainable
 * parameter (named like PyTorch's:
 * {@code exp_avg}, {@code exp_avg_sq}, {@code momentum_buffer}), which live on the session's device and are exported
 * and restored as host tensors.
 */
abstract class OptimizerKernel {
    private final OptimizerSpec spec;
    private final NDManager stateManager;
    private final Network network;
    private final List<ParameterSpec> specs;
    private final Map<String, NDArray[]> slots = new LinkedHashMap<>();

    OptimizerKernel(OptimizerSpec spec, NDManager stateManager, Network network) {
        this.spec = spec;
        this.stateManager = stateManager;
        this.network = network;
        this.specs = network.trainableSpecs();
        for (String name : spec.slotNames()) {
            slots.put(name, new NDArray[specs.size()]);
        }
    }

    /** The kernel for {@code spec}, with its state arrays attached to {@code stateManager}. */
    static OptimizerKernel forSpec(OptimizerSpec spec, NDManager stateManager, Network network) {
        if (spec instanceof Adam a) {
            return new AdamKernel(a, stateManager, network);
        } else if (spec instanceof AdamW a) {
            return new AdamKernel(a, stateManager, network);
        } else if (spec instanceof Sgd s) {
            return new SgdKernel(s, stateManager, network);
        }
        throw new UnsupportedOperationException("the pytorch backend does not implement optimizer " + spec);
    }

    /**
     * Updates the trainable parameters {@code params} in place from {@code grads} (both in
     * {@link Network#trainableSpecs()} order, the gradients already clipped); {@code step} is the 1-based number of
     * this update and {@code lr[i]} the scheduled learning rate of parameter {@code i} (its group's).
     */
    abstract void update(NDArray[] params, NDArray[] grads, long step, double[] lr);

    /** The state array of {@code slot} for parameter {@code i}, created as zeros on first use. */
    final NDArray slot(String slot, int i) {
        NDArray[] arrays = slots.get(slot);
        if (arrays[i] == null) {
            arrays[i] = stateManager.zeros(NdArrays.djlShape(specs.get(i).shape()));
        }
        return arrays[i];
    }

    /** Host copies of every slot that has been created; empty before the first update. */
    final OptimizerState export(long step) {
        if (step == 0) {
            return OptimizerState.initial();
        }
        Map<String, Parameters> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray[]> e : slots.entrySet()) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (int i = 0; i < specs.size(); i++) {
                tensors.put(specs.get(i).name(), NdArrays.toTensor(slot(e.getKey(), i), specs.get(i).shape()));
            }
            out.put(e.getKey(), Parameters.of(tensors));
        }
        return new OptimizerState(step, out);
    }

    /** Replaces the state by {@code state} after checking it against the optimizer and the network (in core). */
    final void restore(OptimizerState state) {
        OptimizerState checked = state.conformTo(spec, network);
        for (Map.Entry<String, NDArray[]> e : slots.entrySet()) {
            NDArray[] arrays = e.getValue();
            Parameters p = checked.slots().get(e.getKey());
            for (int i = 0; i < arrays.length; i++) {
                NDArray fresh = p == null ? null : NdArrays.toNd(stateManager, p.get(specs.get(i).name()));
                if (arrays[i] != null) {
                    arrays[i].close();
                }
                arrays[i] = fresh;
            }
        }
    }
}
