package org.vgg4j.models.vgg;

import org.vgg4j.core.config.ModelConfig;

/**
 * An immutable VGG configuration; the defaults reproduce the d2l chapter's VGG-11 (1 input channel, 224x224,
 * 10 classes, 4096 hidden units, dropout 0.5, no narrowing).
 *
 * @param variant       depth (VGG-11/13/16/19)
 * @param ratio         narrowing: convolution channels and hidden units are divided by it (d2l uses 8)
 * @param inChannels    channels of the input image
 * @param imageSize     height and width of the input: a multiple of 32 in the d2l layout (its first linear layer
 *                      takes the last block's output), any size from 32 in torchvision's (its adaptive pool makes
 *                      any block output 7x7)
 * @param classes       number of output classes
 * @param hiddenUnits   hidden units of the two fully connected layers before narrowing
 * @param dropout       dropout probability after each hidden layer (0 turns dropout off)
 * @param batchNorm     a {@code BatchNorm2d} after every convolution (torchvision's {@code vgg11_bn} ...)
 * @param layout        the module structure and so the {@code state_dict} names
 */
public record VggConfig(VggVariant variant, int ratio, int inChannels, int imageSize, int classes, int hiddenUnits,
        double dropout, boolean batchNorm, VggLayout layout) {

    /**
     * Checks every field; each violation is an {@link IllegalArgumentException} naming the field, its value and
     * what is allowed.
     *
     * @param variant     the layer layout
     * @param ratio       the divisor of every block's channels and of the hidden units
     * @param inChannels  input image channels
     * @param imageSize   input height and width: a multiple of 32 (d2l layout) or at least 32 (torchvision layout)
     * @param classes     output classes, at least 2
     * @param hiddenUnits units of the two hidden fully connected layers, before the ratio
     * @param dropout     dropout probability of the head, in [0, 1)
     * @param batchNorm   batch norm after every convolution
     * @param layout      the module structure
     */
    public VggConfig {
        if (variant == null) {
            throw new IllegalArgumentException("variant is required");
        }
        if (layout == null) {
            throw new IllegalArgumentException("layout is required");
        }
        if (ratio < 1) {
            throw new IllegalArgumentException("ratio must be >= 1, got " + ratio);
        }
        if (layout == VggLayout.TORCHVISION && imageSize < 32) {
            throw new IllegalArgumentException("VGG input size must be at least 32 (five 2x2 max-pools halve it five "
                    + "times), got " + imageSize);
        }
        if (layout == VggLayout.D2L && (imageSize < 32 || imageSize % 32 != 0)) {
            throw new IllegalArgumentException("VGG input size must be a positive multiple of 32 (five 2x2 "
                    + "max-pools halve it five times), got " + imageSize + "; try "
                    + Math.max(32, Math.round(imageSize / 32.0) * 32));
        }
        if (inChannels < 1 || classes < 2 || hiddenUnits < 1) {
            throw new IllegalArgumentException("need inChannels >= 1, classes >= 2, hiddenUnits >= 1; got "
                    + inChannels + ", " + classes + ", " + hiddenUnits);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        for (VggVariant.Block b : variant.blocks()) {
            if (b.channels() / ratio < 1) {
                throw new IllegalArgumentException("ratio " + ratio + " leaves block channels " + b.channels()
                        + " with no channel");
            }
        }
        if (hiddenUnits / ratio < 1) {
            throw new IllegalArgumentException("ratio " + ratio + " leaves no hidden unit of " + hiddenUnits);
        }
    }

    /**
     * A configuration without batch norm in the d2l layout.
     *
     * @param variant     the layer layout
     * @param ratio       the divisor of every block's channels and of the hidden units
     * @param inChannels  input image channels
     * @param imageSize   input height and width, a positive multiple of 32
     * @param classes     output classes, at least 2
     * @param hiddenUnits units of the two hidden fully connected layers, before the ratio
     * @param dropout     dropout probability of the head, in [0, 1)
     */
    public VggConfig(VggVariant variant, int ratio, int inChannels, int imageSize, int classes, int hiddenUnits,
            double dropout) {
        this(variant, ratio, inChannels, imageSize, classes, hiddenUnits, dropout, false, VggLayout.D2L);
    }

    /**
     * Exactly {@code torchvision.models.<name>(num_classes=classes)}: 3x224x224 input, 4096 hidden units, dropout 0.5,
     * torchvision's layout, batch norm for the {@code _bn} names.
     *
     * @param name    {@code vgg11} ... {@code vgg19}, {@code vgg11_bn} ... {@code vgg19_bn}
     * @param classes output classes
     * @return the configuration
     * @throws IllegalArgumentException if the name is not one of those (the message lists them)
     */
    public static VggConfig torchvision(String name, int classes) {
        String n = name.trim().toLowerCase(java.util.Locale.ROOT);
        boolean bn = n.endsWith("_bn");
        return new VggConfig(VggVariant.byName(bn ? n.substring(0, n.length() - 3) : n), 1, 3, 224, classes, 4096,
                0.5, bn, VggLayout.TORCHVISION);
    }

    /**
     * The d2l chapter's model for {@code variant}: ratio 1, 1x224x224 input, 10 classes, 4096 hidden, dropout 0.5.
     *
     * @param variant the layer layout
     * @return the configuration
     */
    public static VggConfig d2l(VggVariant variant) {
        return new VggConfig(variant, 1, 1, 224, 10, 4096, 0.5);
    }

    /**
     * The VGG that a stored model configuration describes.
     *
     * @param m the stored model configuration
     * @return the VGG configuration it describes
     * @throws IllegalArgumentException if it is not a VGG or its numbers do not make one (message names the field)
     */
    public static VggConfig from(ModelConfig m) {
        if (!ModelConfig.VGG.equals(m.family())) {
            throw new IllegalArgumentException("model family '" + m.family() + "' is not " + ModelConfig.VGG);
        }
        return new VggConfig(VggVariant.byName(m.variant()), m.ratio(), m.inChannels(), m.imageSize(), m.classes(),
                m.hiddenUnits(), m.dropout(), m.batchNorm(), VggLayout.byName(m.layout()));
    }

    /**
     * This configuration as stored in a run configuration and its checkpoints.
     *
     * @return the stored form
     */
    public ModelConfig toModelConfig() {
        return new ModelConfig(ModelConfig.VGG, variant.id(), ratio, inChannels, imageSize, classes, hiddenUnits,
                dropout, batchNorm, layout.id());
    }

    /**
     * This configuration with {@code ratio} replaced (checked as by the constructor).
     *
     * @param newRatio the new value
     * @return the new configuration
     */
    public VggConfig withRatio(int newRatio) {
        return new VggConfig(variant, newRatio, inChannels, imageSize, classes, hiddenUnits, dropout, batchNorm,
                layout);
    }

    /**
     * This configuration with {@code imageSize} replaced (checked as by the constructor).
     *
     * @param newSize the new value
     * @return the new configuration
     */
    public VggConfig withImageSize(int newSize) {
        return new VggConfig(variant, ratio, inChannels, newSize, classes, hiddenUnits, dropout, batchNorm, layout);
    }

    /**
     * This configuration with {@code inChannels} replaced (checked as by the constructor).
     *
     * @param channels the new value
     * @return the new configuration
     */
    public VggConfig withInChannels(int channels) {
        return new VggConfig(variant, ratio, channels, imageSize, classes, hiddenUnits, dropout, batchNorm, layout);
    }

    /**
     * This configuration with {@code classes} replaced (checked as by the constructor).
     *
     * @param n the new value
     * @return the new configuration
     */
    public VggConfig withClasses(int n) {
        return new VggConfig(variant, ratio, inChannels, imageSize, n, hiddenUnits, dropout, batchNorm, layout);
    }

    /**
     * This configuration with {@code hiddenUnits} replaced (checked as by the constructor).
     *
     * @param n the new value
     * @return the new configuration
     */
    public VggConfig withHiddenUnits(int n) {
        return new VggConfig(variant, ratio, inChannels, imageSize, classes, n, dropout, batchNorm, layout);
    }

    /**
     * This configuration with {@code dropout} replaced (checked as by the constructor).
     *
     * @param p the new value
     * @return the new configuration
     */
    public VggConfig withDropout(double p) {
        return new VggConfig(variant, ratio, inChannels, imageSize, classes, hiddenUnits, p, batchNorm, layout);
    }

    /**
     * This configuration with batch norm after every convolution, or without.
     *
     * @param on whether to add batch norm
     * @return the new configuration
     */
    public VggConfig withBatchNorm(boolean on) {
        return new VggConfig(variant, ratio, inChannels, imageSize, classes, hiddenUnits, dropout, on, layout);
    }

    /**
     * This configuration with {@code layout} replaced.
     *
     * @param newLayout the module structure
     * @return the new configuration
     */
    public VggConfig withLayout(VggLayout newLayout) {
        return new VggConfig(variant, ratio, inChannels, imageSize, classes, hiddenUnits, dropout, batchNorm,
                newLayout);
    }

    /**
     * The model's name as torchvision spells it: {@code vgg11}, {@code vgg16_bn}.
     *
     * @return the name
     */
    public String modelName() {
        return variant.id() + (batchNorm ? "_bn" : "");
    }
}
