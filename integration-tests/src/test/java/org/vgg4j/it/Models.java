package org.vgg4j.it;

import java.util.ArrayList;
import java.util.List;
import org.vgg4j.core.Network;
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
}
