package org.vgg4j.cli;

import org.vgg4j.core.Network;
import org.vgg4j.core.layer.Flatten;
import org.vgg4j.core.layer.Layer;
import org.vgg4j.core.layer.Relu;
import org.vgg4j.core.layer.Sequential;
import org.vgg4j.models.vgg.VggConfig;
import org.vgg4j.models.vgg.VggLayout;

/**
 * A VGG network's module tree exactly as {@code print(model)} shows the PyTorch module it mirrors: the d2l chapter's
 * {@code nn.Sequential}, or, for {@link VggLayout#TORCHVISION}, torchvision's {@code VGG} class, whose {@code forward}
 * calls {@code torch.flatten} instead of holding the parameterless {@code flatten} child that vgg4j's network has, so
 * that child is not printed, and whose ReLUs are {@code nn.ReLU(inplace=True)} (in place or not, the values are the
 * same).
 */
final class TorchModulePrinter {
    private TorchModulePrinter() {
    }

    /**
     * The text {@code print(model)} writes, without the final newline.
     *
     * @param network the network built from {@code config}
     * @param config  the configuration that says which PyTorch module it mirrors
     * @return the module tree
     */
    static String print(Network network, VggConfig config) {
        if (config.layout() != VggLayout.TORCHVISION) {
            return network.describePytorch();
        }
        StringBuilder sb = new StringBuilder("VGG(\n");
        for (Sequential.Child c : network.root().children()) {
            if (c.layer() instanceof Flatten) {
                continue;
            }
            child(c, "", sb);
        }
        return sb.append(')').toString();
    }

    private static void child(Sequential.Child c, String indent, StringBuilder sb) {
        sb.append(indent).append("  (").append(c.name()).append("): ");
        describe(c.layer(), indent + "  ", sb);
        sb.append('\n');
    }

    private static void describe(Layer layer, String indent, StringBuilder sb) {
        if (layer instanceof Sequential seq) {
            sb.append("Sequential(\n");
            for (Sequential.Child c : seq.children()) {
                child(c, indent, sb);
            }
            sb.append(indent).append(')');
        } else if (layer instanceof Relu) {
            sb.append("ReLU(inplace=True)");
        } else {
            sb.append(layer.describe());
        }
    }
}
