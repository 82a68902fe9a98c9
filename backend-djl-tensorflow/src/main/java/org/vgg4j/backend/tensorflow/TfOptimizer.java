package org.vgg4j.backend.tensorflow;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session.Runner;
import org.tensorflow.Tensor;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.family.TNumber;
import org.vgg4j.core.Network;
import org.vgg4j.core.Vgg4jException;
import org.vgg4j.core.optim.Adam;
import org.vgg4j.core.optim.AdamW;
import org.vgg4j.core.optim.OptimizerSpec;
import org.vgg4j.core.optim.OptimizerState;
import org.vgg4j.core.optim.Sgd;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Parameters;

/**
 * Adam, AdamW or SGD with PyTorch's exact update rules (see {@link Adam}, {@link AdamW} and {@link Sgd}) as ops in the
 * session's graph, applied to the graph's gradients (or to fed ones): the scheduled learning rate of each parameter
 * (its group's), the bias corrections and the clipping factor are scalars computed in Java and fed at each run, so
 * the arithmetic is the same element-wise sequence per parameter as PyTorch's. The state slots ({@code exp_avg},
 * {@code exp_avg_sq} or {@code momentum_buffer}) are engine-layout tensors fed in and fetched back at each update,
 * absent before the first step as in PyTorch, and converted to core-layout tensors only for snapshots.
 */
final class TfOptimizer implements AutoCloseable {
    private final OptimizerSpec spec;
    private final TrainingSpec training;
    private final List<ParamLayout> layouts;
    private final NetGraph net;
    /** Slot tensors, by {@code slot + "/" + parameter}. */
    private final TensorStore slots = new TensorStore();
    private final UpdateOps ops;
    private final Placeholder<TNumber> gradScale;
    private final Placeholder<TNumber> invSqrtBc2;
    private final List<Placeholder<TNumber>> rates;
    private final List<Placeholder<TNumber>> decays;
    private final Map<String, List<Placeholder<TNumber>>> slotIn;
    private final Map<String, List<Output<TNumber>>> slotOut;
    private final List<Output<TNumber>> updated;
    private long step;

    /**
     * The update's ops in the graph, built once per session for each optimizer configuration (its spec and whether it
     * clips) and shared by every trainer with that configuration, so that TensorFlow compiles one executor for them.
     */
    private record UpdateOps(Placeholder<TNumber> gradScale, Placeholder<TNumber> invSqrtBc2,
            List<Placeholder<TNumber>> rates, List<Placeholder<TNumber>> decays,
            Map<String, List<Placeholder<TNumber>>> slotIn, Map<String, List<Output<TNumber>>> slotOut,
            List<Output<TNumber>> updated) {
    }

    TfOptimizer(TrainingSpec training, List<ParamLayout> layouts, NetGraph net) {
        this.training = training;
        this.spec = training.optimizer();
        this.layouts = layouts;
        this.net = net;
        this.ops = net.cached(List.of("update", spec, training.clips()), () -> build(training, layouts, net));
        this.gradScale = ops.gradScale();
        this.invSqrtBc2 = ops.invSqrtBc2();
        this.rates = ops.rates();
        this.decays = ops.decays();
        this.slotIn = ops.slotIn();
        this.slotOut = ops.slotOut();
        this.updated = ops.updated();
    }

    private static UpdateOps build(TrainingSpec training, List<ParamLayout> layouts, NetGraph net) {
        OptimizerSpec spec = training.optimizer();
        List<Placeholder<TNumber>> rates = new ArrayList<>();
        List<Placeholder<TNumber>> decays = new ArrayList<>();
        Map<String, List<Placeholder<TNumber>>> slotIn = new LinkedHashMap<>();
        Map<String, List<Output<TNumber>>> slotOut = new LinkedHashMap<>();
        List<Output<TNumber>> updated = new ArrayList<>();
        NetGraph.Training t = net.training();
        Ops tf = net.ops();
        boolean adam = spec instanceof Adam || spec instanceof AdamW;
        Placeholder<TNumber> gradScale = training.clips() ? net.placeholder() : null;
        Placeholder<TNumber> invSqrtBc2 = adam ? net.placeholder() : null;
        for (String slot : spec.slotNames()) {
            slotIn.put(slot, new ArrayList<>());
            slotOut.put(slot, new ArrayList<>());
        }
        for (ParamLayout layout : layouts) {
            Operand<TNumber> p = net.params.get(layout.name());
            Operand<TNumber> g = t.grads().get(layout.name());
            if (gradScale != null) {
                g = tf.math.mul(g, gradScale);
            }
            Placeholder<TNumber> rate = net.placeholder();
            rates.add(rate);
            if (spec instanceof AdamW) {
                if (spec.weightDecay() > 0) {
                    Placeholder<TNumber> decay = net.placeholder();
                    decays.add(decay);
                    p = tf.math.mul(p, decay);
                }
            } else if (spec.weightDecay() > 0) {
                g = tf.math.add(g, tf.math.mul(p, net.constant(spec.weightDecay())));
            }
            if (adam) {
                double beta1 = spec instanceof Adam a ? a.beta1() : ((AdamW) spec).beta1();
                double beta2 = spec instanceof Adam a ? a.beta2() : ((AdamW) spec).beta2();
                double eps = spec instanceof Adam a ? a.epsilon() : ((AdamW) spec).epsilon();
                Placeholder<TNumber> m0 = slotInput(net, slotIn, Adam.EXP_AVG);
                Placeholder<TNumber> v0 = slotInput(net, slotIn, Adam.EXP_AVG_SQ);
                Operand<TNumber> m = tf.math.add(tf.math.mul(m0, net.constant(beta1)),
                        tf.math.mul(g, net.constant(1 - beta1)));
                Operand<TNumber> v = tf.math.add(tf.math.mul(v0, net.constant(beta2)),
                        tf.math.mul(tf.math.mul(g, g), net.constant(1 - beta2)));
                // p - (lr / bc1) * m / (sqrt(v) / sqrt(bc2) + eps), as PyTorch computes it.
                Operand<TNumber> denom = tf.math.add(tf.math.mul(tf.math.sqrt(v), invSqrtBc2), net.constant(eps));
                updated.add(tf.math.sub(p, tf.math.div(tf.math.mul(m, rate), denom)).asOutput());
                slotOut.get(Adam.EXP_AVG).add(m.asOutput());
                slotOut.get(Adam.EXP_AVG_SQ).add(v.asOutput());
            } else if (spec instanceof Sgd s) {
                if (s.momentum() > 0) {
                    // PyTorch starts the buffer as a copy of the first gradient: 0 * momentum + g is the same.
                    Operand<TNumber> b = tf.math.add(tf.math.mul(slotInput(net, slotIn, Sgd.MOMENTUM_BUFFER),
                            net.constant(s.momentum())), g);
                    slotOut.get(Sgd.MOMENTUM_BUFFER).add(b.asOutput());
                    g = s.nesterov() ? tf.math.add(g, tf.math.mul(b, net.constant(s.momentum()))) : b;
                }
                updated.add(tf.math.sub(p, tf.math.mul(g, rate)).asOutput());
            } else {
                throw new IllegalStateException("unknown optimizer " + spec);
            }
        }
        return new UpdateOps(gradScale, invSqrtBc2, rates, decays, slotIn, slotOut, updated);
    }

    private static Placeholder<TNumber> slotInput(NetGraph net, Map<String, List<Placeholder<TNumber>>> slotIn,
            String slot) {
        Placeholder<TNumber> in = net.placeholder();
        slotIn.get(slot).add(in);
        return in;
    }

    /** The number of updates applied so far (restored with the state), which numbers the next step's dropout masks. */
    long step() {
        return step;
    }

    int heldTensors() {
        return slots.size();
    }

    /**
     * Adds to {@code r} the feeds (slots, zeros before the first step, and this update's scalars; the created tensors
     * go to {@code temps}, which the caller closes after the run) and the fetches of the next update, for gradient
     * scale {@code scale}; returns how many outputs it fetches, in the order {@link #take} reads them.
     */
    int feedUpdate(Runner r, double scale, List<Tensor> temps) {
        Precision precision = net.precision();
        long next = step + 1;
        if (gradScale != null) {
            temps.add(Tensors.scalar(precision, scale));
            r.feed(gradScale, temps.get(temps.size() - 1));
        }
        double bc1 = 1;
        if (invSqrtBc2 != null) {
            double beta1 = spec instanceof Adam a ? a.beta1() : ((AdamW) spec).beta1();
            double beta2 = spec instanceof Adam a ? a.beta2() : ((AdamW) spec).beta2();
            bc1 = 1 - Math.pow(beta1, next);
            double bc2 = 1 - Math.pow(beta2, next);
            temps.add(Tensors.scalar(precision, 1 / Math.sqrt(bc2)));
            r.feed(invSqrtBc2, temps.get(temps.size() - 1));
        }
        for (int i = 0; i < layouts.size(); i++) {
            double lr = training.learningRate(layouts.get(i).name(), next);
            temps.add(Tensors.scalar(precision, lr / bc1));
            r.feed(rates.get(i), temps.get(temps.size() - 1));
            if (!decays.isEmpty()) {
                temps.add(Tensors.scalar(precision, 1 - lr * spec.weightDecay()));
                r.feed(decays.get(i), temps.get(temps.size() - 1));
            }
        }
        for (Map.Entry<String, List<Placeholder<TNumber>>> e : slotIn.entrySet()) {
            for (int i = 0; i < layouts.size(); i++) {
                String key = e.getKey() + "/" + layouts.get(i).name();
                Tensor value = slots.get(key);
                if (value == null) {
                    value = Tensors.zeros(precision, layouts.get(i).engineShape().toLongArray());
                    temps.add(value);
                }
                r.feed(e.getValue().get(i), value);
            }
        }
        updated.forEach(r::fetch);
        slotOut.values().forEach(outs -> outs.forEach(r::fetch));
        return updated.size() + slotOut.values().stream().mapToInt(List::size).sum();
    }

    /** Stores the new parameters and slots that {@link #feedUpdate} fetched from index {@code from}, and counts the step. */
    void take(Result res, int from, TensorStore.Owner owner, TensorStore params) {
        int i = from;
        for (ParamLayout layout : layouts) {
            params.put(layout.name(), res.get(i++), owner);
        }
        for (String slot : slotOut.keySet()) {
            for (ParamLayout layout : layouts) {
                slots.put(slot + "/" + layout.name(), res.get(i++), owner);
            }
        }
        step++;
    }

    /** A host snapshot in the core layout. */
    OptimizerState state() {
        Map<String, Parameters> out = new LinkedHashMap<>();
        for (String slot : spec.slotNames()) {
            if (layouts.isEmpty() || !slots.contains(slot + "/" + layouts.get(0).name())) {
                continue;
            }
            Map<String, org.vgg4j.core.Tensor> tensors = new LinkedHashMap<>();
            for (ParamLayout layout : layouts) {
                tensors.put(layout.name(), layout.toCore(Tensors.floats(slots.get(slot + "/" + layout.name()))));
            }
            out.put(slot, Parameters.of(tensors));
        }
        return new OptimizerState(step, out);
    }

    /** Restores a snapshot after checking its step, slot names, tensor names and shapes. */
    void restore(OptimizerState state, Network network) {
        if (state.step() < 0) {
            throw new Vgg4jException("optimizer state has a negative step count " + state.step());
        }
        List<String> expected = spec.slotNames();
        boolean fits = state.slots().isEmpty() || state.slots().keySet().equals(new HashSet<>(expected));
        if (!fits) {
            throw new Vgg4jException("optimizer state with slots " + state.slots().keySet() + " does not fit "
                    + spec.getClass().getSimpleName() + ", which keeps " + expected + " (step " + state.step() + ")");
        }
        Map<String, Tensor> restored = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Parameters> e : state.slots().entrySet()) {
                Parameters conformed = e.getValue().conformToTrainable(network);
                for (ParamLayout layout : layouts) {
                    restored.put(e.getKey() + "/" + layout.name(), Tensors.of(net.precision(),
                            layout.toEngine(conformed.get(layout.name())), layout.engineShape().toLongArray()));
                }
            }
        } catch (RuntimeException e) {
            restored.values().forEach(Tensor::close);
            throw e;
        }
        slots.clear();
        restored.forEach(slots::put);
        step = state.step();
    }

    /** Frees the state tensors. */
    @Override
    public void close() {
        slots.clear();
    }
}
