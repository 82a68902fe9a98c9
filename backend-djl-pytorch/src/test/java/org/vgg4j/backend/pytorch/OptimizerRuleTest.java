package org.vgg4j.backend.pytorch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.optim.Adam;
import org.vgg4j.core.optim.OptimizerSpec;
import org.vgg4j.core.optim.OptimizerState;
import org.vgg4j.core.optim.Sgd;
import org.vgg4j.core.optim.SoftmaxCrossEntropy;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Initializer;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.spi.Trainer;
import org.vgg4j.core.testing.TestData;

/**
 * Each update equals PyTorch's rule (core/optim javadoc) applied in float64 on the host to the backend's own previous
 * weights and gradients, and the exported state slots equal PyTorch's.
 */
class OptimizerRuleTest {
    private final Network net = TestData.tinyVgg(0);
    private final Tensor images = TestData.images(net.sampleShape().prepend(8), 21);
    private final int[] labels = TestData.labels(8, 10, 22);

    @Test
    void adamFollowsPyTorchsRule() {
        Adam adam = new Adam(1e-2, 0.9, 0.999, 1e-8, 1e-2);
        double err = run(adam, 4);
        System.out.printf("Adam(lr=1e-2, wd=1e-2) vs host float64 rule, 4 steps: max abs weight diff %.3e%n", err);
        assertThat(err).isLessThanOrEqualTo(1e-6);
    }

    @Test
    void sgdWithMomentumAndWeightDecayFollowsPyTorchsRule() {
        double err = run(new Sgd(0.1, 0.9, 1e-2), 4);
        System.out.printf("SGD(lr=0.1, momentum=0.9, wd=1e-2) vs host float64 rule, 4 steps: max abs diff %.3e%n",
                err);
        assertThat(err).isLessThanOrEqualTo(1e-6);
    }

    @Test
    void plainSgdFollowsPyTorchsRule() {
        double err = run(new Sgd(0.1, 0, 1e-2), 3);
        System.out.printf("SGD(lr=0.1, wd=1e-2) vs host float64 rule, 3 steps: max abs weight diff %.3e%n", err);
        assertThat(err).isLessThanOrEqualTo(1e-6);
    }

    /** Largest difference between the backend's weights/state and the host rule's over {@code steps} updates. */
    private double run(OptimizerSpec spec, int steps) {
        Parameters p0 = Parameters.initialize(net, Initializer.PYTORCH_DEFAULT, 8);
        Map<String, double[]> m = new HashMap<>();
        Map<String, double[]> v = new HashMap<>();
        double worst = 0;
        try (Session s = PyTorchTesting.backend().open(net, p0, Device.cpu())) {
            Trainer trainer = s.trainer(new TrainingSpec(spec, new SoftmaxCrossEntropy(), 1));
            for (int t = 1; t <= steps; t++) {
                Parameters before = s.parameters();
                Parameters grads = trainer.gradients(images, labels).gradients();
                trainer.step(images, labels);
                Parameters after = s.parameters();
                OptimizerState state = trainer.optimizerState();
                assertThat(state.step()).isEqualTo(t);
                double moved = 0;
                for (String name : before.names()) {
                    float[] w = before.get(name).toArray();
                    float[] g = grads.get(name).toArray();
                    double[] mm = m.computeIfAbsent(name, k -> new double[w.length]);
                    double[] vv = v.computeIfAbsent(name, k -> new double[w.length]);
                    Tensor got = after.get(name);
                    for (int i = 0; i < w.length; i++) {
                        double gi = g[i] + spec.weightDecay() * w[i];
                        double expected;
                        if (spec instanceof Adam a) {
                            mm[i] = a.beta1() * mm[i] + (1 - a.beta1()) * gi;
                            vv[i] = a.beta2() * vv[i] + (1 - a.beta2()) * gi * gi;
                            double mHat = mm[i] / (1 - Math.pow(a.beta1(), t));
                            double vHat = vv[i] / (1 - Math.pow(a.beta2(), t));
                            expected = w[i] - a.learningRate() * mHat / (Math.sqrt(vHat) + a.epsilon());
                        } else {
                            Sgd sgd = (Sgd) spec;
                            mm[i] = sgd.momentum() > 0 ? sgd.momentum() * mm[i] + gi : gi;
                            expected = w[i] - sgd.learningRate() * mm[i];
                        }
                        worst = Math.max(worst, Math.abs(expected - got.get(i)));
                        moved = Math.max(moved, Math.abs(got.get(i) - w[i]));
                    }
                    if (spec instanceof Adam) {
                        worst = Math.max(worst, relDiff(mm, state.slots().get(Adam.EXP_AVG).get(name)) * 1e-3);
                        worst = Math.max(worst, relDiff(vv, state.slots().get(Adam.EXP_AVG_SQ).get(name)) * 1e-3);
                    } else if (((Sgd) spec).momentum() > 0) {
                        worst = Math.max(worst, relDiff(mm, state.slots().get(Sgd.MOMENTUM_BUFFER).get(name)) * 1e-3);
                    } else {
                        assertThat(state.slots()).isEmpty();
                    }
                }
                assertThat(moved).as("step %d changed the weights", t).isGreaterThan(1e-4);
            }
        }
        return worst;
    }

    /** Max abs difference relative to the largest magnitude (0 for two zero tensors). */
    private static double relDiff(double[] expected, Tensor actual) {
        double max = 0;
        double err = 0;
        for (int i = 0; i < expected.length; i++) {
            max = Math.max(max, Math.abs(expected[i]));
            err = Math.max(err, Math.abs(expected[i] - actual.get(i)));
        }
        return max == 0 ? err : err / max;
    }
}
