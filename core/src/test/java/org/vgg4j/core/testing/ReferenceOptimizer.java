package org.vgg4j.core.testing;

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
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Parameters;

/**
 * PyTorch's update rules (core/optim javadoc) applied in float64 on the host, element by element: the one written-out
 * rule that every backend's optimizer is held to, and the optimizer of the reference backend.
 *
 * <pre>
 * Adam:  g' = g + wd p; m = b1 m + (1 - b1) g'; v = b2 v + (1 - b2) g'^2; p -= lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * AdamW: p *= 1 - lr wd; then Adam's step with g' = g
 * SGD:   g' = g + wd p; b = momentum b + g' (b = g' without momentum); p -= lr (nesterov ? g' + momentum b : b)
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
        update(name, w, g, t, spec.learningRate());
    }

    /**
     * Updates {@code w}, the parameter {@code name}, in place from its (already clipped) gradient {@code g} with the
     * learning rate {@code lr} of step {@code t} (counted from 1).
     */
    public void update(String name, double[] w, double[] g, long t, double lr) {
        double[] effective = new double[w.length];
        boolean decoupled = spec instanceof AdamW;
        for (int i = 0; i < w.length; i++) {
            effective[i] = decoupled ? g[i] : g[i] + spec.weightDecay() * w[i];
        }
        if (spec instanceof Adam || spec instanceof AdamW) {
            double beta1 = spec instanceof Adam a ? a.beta1() : ((AdamW) spec).beta1();
            double beta2 = spec instanceof Adam a ? a.beta2() : ((AdamW) spec).beta2();
            double eps = spec instanceof Adam a ? a.epsilon() : ((AdamW) spec).epsilon();
            double[] m = slot(Adam.EXP_AVG, name, w.length);
            double[] v = slot(Adam.EXP_AVG_SQ, name, w.length);
            for (int i = 0; i < w.length; i++) {
                if (decoupled) {
                    w[i] *= 1 - lr * spec.weightDecay();
                }
                m[i] = round(beta1 * m[i] + (1 - beta1) * effective[i]);
                v[i] = round(beta2 * v[i] + (1 - beta2) * effective[i] * effective[i]);
                double mHat = m[i] / (1 - Math.pow(beta1, t));
                double vHat = v[i] / (1 - Math.pow(beta2, t));
                w[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
            }
        } else {
            Sgd sgd = (Sgd) spec;
            double[] b = sgd.momentum() > 0 ? slot(Sgd.MOMENTUM_BUFFER, name, w.length) : effective;
            for (int i = 0; i < w.length; i++) {
                if (sgd.momentum() > 0) {
                    b[i] = round(sgd.momentum() * b[i] + effective[i]);
                }
                double d = sgd.nesterov() ? effective[i] + sgd.momentum() * b[i] : b[i];
                w[i] -= lr * d;
            }
        }
    }

    /**
     * The gradients scaled in place by {@code spec}'s clipping coefficient for their global L2 norm (all tensors
     * together, in float64); returns the norm.
     */
    public static double clip(TrainingSpec spec, Iterable<double[]> gradients) {
        double sum = 0;
        for (double[] g : gradients) {
            for (double v : g) {
                sum += v * v;
            }
        }
        double norm = Math.sqrt(sum);
        double coef = spec.clipCoefficient(norm);
        if (coef != 1) {
            for (double[] g : gradients) {
                for (int i = 0; i < g.length; i++) {
                    g[i] *= coef;
                }
            }
        }
        return norm;
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
