package org.vgg4j.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.vgg4j.core.Network;
import org.vgg4j.models.vgg.Vgg;
import org.vgg4j.models.vgg.VggConfig;
import org.vgg4j.models.vgg.VggVariant;
import picocli.CommandLine.Option;

/**
 * The options that choose a VGG network; defaults are the d2l chapter's narrow VGG-11 on 1x224x224 Fashion-MNIST.
 */
public final class ModelOptions {
    @Option(names = "--model", defaultValue = "vgg11", description = "vgg11, vgg13, vgg16 or vgg19 (default: ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--ratio", defaultValue = "8", description = "narrowing ratio: channels and hidden units divided by it (default: ${DEFAULT-VALUE})")
    int ratio;

    @Option(names = "--image-size", defaultValue = "224", description = "input height and width, a multiple of 32 (default: ${DEFAULT-VALUE})")
    int imageSize;

    @Option(names = "--hidden", defaultValue = "4096", description = "hidden units of the two FC layers before narrowing (default: ${DEFAULT-VALUE})")
    int hidden;

    @Option(names = "--dropout", defaultValue = "0.5", description = "dropout probability of the FC layers (default: ${DEFAULT-VALUE})")
    double dropout;

    @Option(names = "--in-channels", defaultValue = "1", description = "input image channels (default: ${DEFAULT-VALUE})")
    int inChannels;

    @Option(names = "--classes", defaultValue = "10", description = "output classes (default: ${DEFAULT-VALUE})")
    int classes;

    /**
     * The configuration these options describe.
     *
     * @return the VGG configuration
     */
    public VggConfig config() {
        return new VggConfig(VggVariant.byName(model), ratio, inChannels, imageSize, classes, hidden, dropout);
    }

    /**
     * The network these options describe.
     *
     * @return the network built from {@link #config()}
     */
    public Network network() {
        return Vgg.build(config());
    }

    /**
     * The configuration as strings, as stored in checkpoints.
     *
     * @param c the configuration
     * @return its fields by key, in a fixed order
     */
    public static Map<String, String> toMap(VggConfig c) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("model", c.variant().id());
        m.put("ratio", Integer.toString(c.ratio()));
        m.put("image_size", Integer.toString(c.imageSize()));
        m.put("hidden", Integer.toString(c.hiddenUnits()));
        m.put("dropout", Double.toString(c.dropout()));
        m.put("in_channels", Integer.toString(c.inChannels()));
        m.put("classes", Integer.toString(c.classes()));
        return m;
    }

    /**
     * Rebuilds a configuration stored by {@link #toMap}; a missing key is reported by name.
     *
     * @param m the stored fields
     * @return the configuration they describe
     */
    public static VggConfig fromMap(Map<String, String> m) {
        return new VggConfig(VggVariant.byName(require(m, "model")), Integer.parseInt(require(m, "ratio")),
                Integer.parseInt(require(m, "in_channels")), Integer.parseInt(require(m, "image_size")),
                Integer.parseInt(require(m, "classes")), Integer.parseInt(require(m, "hidden")),
                Double.parseDouble(require(m, "dropout")));
    }

    private static String require(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null) {
            throw new IllegalArgumentException("checkpoint configuration lacks '" + key + "'");
        }
        return v;
    }
}
