package org.vgg4j.cli;

import org.vgg4j.core.Network;
import org.vgg4j.core.config.ModelConfig;
import org.vgg4j.core.layer.ParameterSpec;
import org.vgg4j.models.vgg.Vgg;
import org.vgg4j.models.vgg.VggConfig;
import org.vgg4j.models.vgg.VggLayout;
import org.vgg4j.models.vgg.VggVariant;
import picocli.CommandLine.Option;

/**
 * The options that choose a VGG network (depth, batch norm, module layout, width, input, head); defaults are the d2l
 * chapter's narrow VGG-11 on 1x224x224 Fashion-MNIST.
 * {@link #config()} checks every value against its documented range first.
 */
public final class ModelOptions {
    /** Largest accepted {@code --image-size}. */
    static final int MAX_IMAGE_SIZE = 1024;
    /** Largest accepted {@code --ratio} (VGG's narrowest block has 64 channels). */
    static final int MAX_RATIO = 64;
    static final int MAX_HIDDEN = 16384;
    static final int MAX_CLASSES = 10000;
    static final int MAX_IN_CHANNELS = 4;

    /** The names {@code --model} accepts: the four depths, each also with batch norm after every convolution. */
    static final String MODELS = "vgg11, vgg13, vgg16, vgg19, vgg11_bn, vgg13_bn, vgg16_bn or vgg19_bn";

    @Option(names = "--model", defaultValue = "vgg11", description = "vgg11, vgg13, vgg16 or vgg19; a _bn suffix (vgg11_bn ...) adds batch norm after every convolution (default: ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--layout", defaultValue = "d2l", description = "d2l (the chapter's vgg_block_N/fc module names) or torchvision (features/avgpool/classifier, as torchvision.models.vgg*) (default: ${DEFAULT-VALUE})")
    String layout;

    @Option(names = "--ratio", defaultValue = "8", description = "narrowing ratio, 1 to 64: channels and hidden units divided by it (default: ${DEFAULT-VALUE})")
    int ratio;

    @Option(names = "--image-size", defaultValue = "224", description = "input height and width, a multiple of 32 from 32 to 1024; with --layout torchvision any size from 32 to 1024 (default: ${DEFAULT-VALUE})")
    int imageSize;

    @Option(names = "--hidden", defaultValue = "4096", description = "hidden units of the two FC layers before narrowing, 1 to 16384 (default: ${DEFAULT-VALUE})")
    int hidden;

    @Option(names = "--dropout", defaultValue = "0.5", description = "dropout probability of the FC layers, >= 0 and < 1 (default: ${DEFAULT-VALUE})")
    double dropout;

    @Option(names = "--in-channels", defaultValue = "1", description = "input image channels, 1 to 4 (default: ${DEFAULT-VALUE})")
    int inChannels;

    @Option(names = "--classes", defaultValue = "10", description = "output classes, 2 to 10000 (default: ${DEFAULT-VALUE})")
    int classes;

    /**
     * The configuration these options describe, after checking every value.
     *
     * @return the checked VGG configuration
     * @throws UsageException if an option is out of range (e.g. an unknown {@code --model}, a bad {@code --image-size})
     */
    public VggConfig config() {
        String name = model.trim().toLowerCase(java.util.Locale.ROOT);
        boolean batchNorm = name.endsWith("_bn") || name.endsWith("-bn");
        VggVariant variant;
        try {
            variant = VggVariant.byName(batchNorm ? name.substring(0, name.length() - 3) : name);
        } catch (IllegalArgumentException e) {
            throw new UsageException("unknown --model '" + model + "': use " + MODELS);
        }
        VggLayout modelLayout = VggLayout.byName(OptionChecks.oneOf("--layout", layout, "d2l", "torchvision"));
        OptionChecks.inRange("--ratio", ratio, 1, MAX_RATIO);
        if (modelLayout == VggLayout.TORCHVISION) {
            OptionChecks.inRange("--image-size", imageSize, 32, MAX_IMAGE_SIZE,
                    "--layout torchvision: five 2x2 max-pools, then an adaptive pool to 7x7");
        } else if (imageSize < 32 || imageSize > MAX_IMAGE_SIZE || imageSize % 32 != 0) {
            throw new UsageException("--image-size must be a multiple of 32 from 32 to " + MAX_IMAGE_SIZE
                    + " (five 2x2 max-pools halve it five times), got " + imageSize
                    + (imageSize >= 16 && imageSize <= MAX_IMAGE_SIZE ? "; try " + Math.round(imageSize / 32.0) * 32
                            : ""));
        }
        OptionChecks.inRange("--hidden", hidden, 1, MAX_HIDDEN);
        OptionChecks.atLeastBelow("--dropout", dropout, 0, 1);
        OptionChecks.inRange("--in-channels", inChannels, 1, MAX_IN_CHANNELS);
        OptionChecks.inRange("--classes", classes, 2, MAX_CLASSES);
        if (hidden / ratio < 1) {
            throw new UsageException("--ratio " + ratio + " leaves no hidden unit of --hidden " + hidden
                    + ": use a ratio of at most " + hidden);
        }
        return new VggConfig(variant, ratio, inChannels, imageSize, classes, hidden, dropout, batchNorm, modelLayout);
    }

    /** The option names above, for commands that take them only with {@code --state-dict}. */
    static final java.util.List<String> NAMES = java.util.List.of("--model", "--layout", "--ratio", "--image-size",
            "--hidden", "--dropout", "--in-channels", "--classes");

    /**
     * For {@code predict} and {@code evaluate}: the model options describe the network of a bare {@code --state-dict}
     * only; given with a checkpoint or ONNX model (which carry their own), they are a usage error naming the first.
     */
    static void onlyWithStateDict(picocli.CommandLine.Model.CommandSpec spec, boolean stateDict) {
        if (stateDict) {
            return;
        }
        for (String name : NAMES) {
            if (spec.commandLine().getParseResult().hasMatchedOption(name)) {
                throw new UsageException(name + " describes the network of a bare --state-dict; a checkpoint or "
                        + "ONNX model carries its own configuration");
            }
        }
    }

    /**
     * {@link #config()} as stored in a run configuration.
     *
     * @return the model part of a run configuration
     * @throws UsageException if an option is out of range
     */
    public ModelConfig modelConfig() {
        return config().toModelConfig();
    }

    /**
     * The network these options describe.
     *
     * @return the network built from {@link #config()}
     */
    public Network network() {
        return buildable(Vgg.build(config()));
    }

    /**
     * {@code network}, after checking that each of its weight tensors fits a Java array (2^31 - 1 values).
     *
     * @throws UsageException naming the tensor that does not
     */
    static Network buildable(Network network) {
        for (ParameterSpec p : network.parameterSpecs()) {
            if (p.shape().elementCount() > Integer.MAX_VALUE - 8) {
                throw new UsageException("model " + network.name() + " is too large: its tensor " + p.name() + " "
                        + p.shape() + " would hold " + String.format(java.util.Locale.ROOT, "%,d",
                                p.shape().elementCount()) + " values, more than a Java array can (2^31 - 1); use a "
                        + "larger --ratio or a smaller --image-size");
            }
        }
        return network;
    }
}
