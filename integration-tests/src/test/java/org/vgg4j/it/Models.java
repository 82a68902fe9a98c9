package org.vgg4j.it;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.vgg4j.core.Network;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.layer.ParameterSpec;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.layer.Sequential;
import org.vgg4j.core.testing.TestData;
import org.vgg4j.models.vgg.Vgg;
import org.vgg4j.models.vgg.VggConfig;
import org.vgg4j.models.vgg.VggVariant;

/**
 * The networks the suite runs on every backend: VGG-11/13/16/19 at ratio 8 and 1, at 32x32 to keep the plain-Java
 * reference fast (ratio 1 with 256 hidden units: the FC width does not change what is proven, only the run time).
 */
final class Models {
    private Models() {
    }

    static List<Network> vggFamily() {
        List<Network> out = new ArrayList<>();
        for (VggVariant v : VggVariant.values()) {
            out.add(Vgg.build(VggConfig.d2l(v).withRatio(8).withImageSize(32)));
            out.add(Vgg.build(VggConfig.d2l(v).withImageSize(32).withHiddenUnits(256)));
        }
        return out;
    }

    /**
     * Parameters that keep activations near unit scale through any depth (weights N(0, 2/fan_in), biases
     * U(-0.1, 0.1)), so that logits are O(1) and an absolute tolerance of 1e-4 is a strict test. Both standard
     * initialisations shrink the logits of these small-input networks to about 1e-4, where any tolerance passes.
     */
    static Parameters unitScale(Network net, long seed) {
        return TestData.unitScale(net, seed);
    }

    /** The network made of the first {@code blocks} top-level children of {@code net}: its output is that block's. */
    static Network prefix(Network net, int blocks) {
        List<Sequential.Child> children = net.root().children().subList(0, blocks);
        return new Network(net.name() + "[:" + blocks + "]", new Sequential(children), net.sampleShape());
    }

    /**
     * {@link #unitScale} for a batch-norm VGG with every batch norm moved away from its initial state, so that eval
     * mode and the running-statistics update are tested rather than an identity: weight U(0.5, 1.5), bias
     * U(-0.5, 0.5), running_mean U(-0.5, 0.5), running_var U(0.5, 2), num_batches_tracked 3.
     */
    static Parameters withBatchNormStatistics(Network net, long seed) {
        Map<String, Tensor> p = new LinkedHashMap<>(TestData.unitScale(net, seed).asMap());
        SplittableRandom rng = new SplittableRandom(seed + 1);
        for (ParameterSpec s : net.parameterSpecs()) {
            String local = s.name().substring(s.name().lastIndexOf('.') + 1);
            String module = s.name().substring(0, s.name().lastIndexOf('.'));
            if (!net.parameterSpecs().stream().anyMatch(o -> o.name().equals(module + ".running_mean"))) {
                continue; // not a batch norm
            }
            if (local.equals("num_batches_tracked")) {
                p.put(s.name(), Tensor.ofLongs(s.shape(), new long[] {3}));
                continue;
            }
            float[] v = new float[Math.toIntExact(s.shape().elementCount())];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) switch (local) {
                    case "running_mean" -> rng.nextDouble(-0.5, 0.5);
                    case "running_var" -> rng.nextDouble(0.5, 2.0);
                    case "weight" -> rng.nextDouble(0.5, 1.5);
                    default -> rng.nextDouble(-0.5, 0.5);
                };
            }
            p.put(s.name(), Tensor.wrap(s.shape(), v));
        }
        return Parameters.of(p);
    }
}
