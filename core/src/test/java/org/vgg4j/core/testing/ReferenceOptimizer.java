package org.vgg4j.core.testing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vgg4j.core.Network;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.layer.ParameterSpec;
import org.vgg4j.core.optim.Adam;
import org.vgg4j.core.optim.OptimizerSpec;
import org.vgg4j.core.optim.OptimizerState;
import org.vgg4j.core.optim.Sgd;
import org.vgg4j.core.param.Parameters;

/**
 * PyTorch's update rules (core/optim javadoc) applied in float64 on the host, element by element: the one written-out
 * rule that every backend's optimizer is held to, and the optimizer of the reference backend.
 *
 * <pre>
 * Adam: g' = g + wd p; m = b1 m + (1 - b1) g'; v = b2 v + (1 - b2) g'^2; p -= lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * SGD:  g' = g + wd p; b = momentum b + g' (b = g' without momentum); p -= lr b
 * </pre>
 */
public final class ReferenceOptimizer {
    private final OptimizerSpec spec;
    private final boolean float32State;
    private final Map<String, Map<String, double[]>> slots = new LinkedHashMap<>();

    /**
     * @param spec         the rule
     * @param float32State round the state to float32 after every update, so that a state exported as float32
     *                     tensors and restored continues exactly (the reference backend); false keeps it in float64
     *                     (the rule a test holds a backend to)
     */
    public ReferenceOptimizer(OptimizerSpec spec, boolean float32State) {
        this.spec = spec;
        this.float32State = float32State;
        for (String slot : spec.slotNames()) {
            slots.put(slot, new LinkedHashMap<>());
        }
    }

    /** Updates {@code w}, the parameter {@code name}, in place from its gradient {@code g}; {@code t} counts from 1. */
    public void update(String name, double[] w, double[] g, long t) {
        double[] effective = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            effective[i] = g[i] + spec.weightDecay() * w[i];
        }
        if (spec instanceof Adam a) {
            double[] m = slot(Adam.EXP_AVG, name, w.length);
            double[] v = slot(Adam.EXP_AVG_SQ, name, w.length);
            for (int i = 0; i < w.length; i++) {
                m[i] = round(a.beta1() * m[i] + (1 - a.beta1()) * effective[i]);
                v[i] = round(a.beta2() * v[i] + (1 - a.beta2()) * effective[i] * effective[i]);
                double mHat = m[i] / (1 - Math.pow(a.beta1(), t));
                double vHat = v[i] / (1 - Math.pow(a.beta2(), t));
                w[i] -= a.learningRate() * mHat / (Math.sqrt(vHat) + a.epsilon());
            }
        } else {
            Sgd sgd = (Sgd) spec;
            double[] b = sgd.momentum() > 0 ? slot(Sgd.MOMENTUM_BUFFER, name, w.length) : effective;
            for (int i = 0; i < w.length; i++) {
                if (sgd.momentum() > 0) {
                    b[i] = round(sgd.momentum() * b[i] + effective[i]);
                }
                w[i] -= sgd.learningRate() * b[i];
            }
        }
    }

    /** The state of {@code slot} for parameter {@code name}, zeros before its first update. */
    public double[] slot(String slot, String name, int size) {
        return slots.get(slot).computeIfAbsent(name, k -> new double[size]);
    }

    /** The state after {@code step} updates, as float32 tensors of every trainable parameter of {@code network}. */
    public OptimizerState state(long step, Network network) {
        if (step == 0) {
            return OptimizerState.initial();
        }
        Map<String, Parameters> out = new LinkedHashMap<>();
        List<ParameterSpec> specs = network.trainableSpecs();
        for (String slot : slots.keySet()) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (ParameterSpec p : specs) {
                double[] v = slot(slot, p.name(), Math.toIntExact(p.shape().elementCount()));
                float[] f = new float[v.length];
                for (int i = 0; i < f.length; i++) {
                    f[i] = (float) v[i];
                }
                tensors.put(p.name(), Tensor.wrap(p.shape(), f));
            }
            out.put(slot, Parameters.of(tensors));
        }
        return new OptimizerState(step, out);
    }

    /** Replaces the state by {@code checked} (already conformed to this optimizer and the network). */
    public void restore(OptimizerState checked) {
        slots.values().forEach(Map::clear);
        checked.slots().forEach((slot, tensors) -> tensors.asMap().forEach((name, t) -> {
            double[] v = slot(slot, name, t.size());
            for (int i = 0; i < v.length; i++) {
                v[i] = t.get(i);
            }
        }));
    }

    private double round(double v) {
        return float32State ? (float) v : v;
    }
}
