package org.vgg4j.models.vgg;

import org.vgg4j.core.config.ModelConfig;

/**
 * An immutable VGG configuration; the defaults reproduce the d2l chapter's VGG-11 (1 input channel, 224x224,
 * 10 classes, 4096 hidden units, dropout 0.5, no narrowing).
 *
 * @param variant       depth (VGG-11/13/16/19)
 * @param ratio         narrowing: convolution channels and hidden units are divided by it (d2l uses 8)
 * @param inChannels    channels of the input image
 * @param imageSize     height and width of the input; a multiple of 32
 * @param classes       number of output classes
 * @param hiddenUnits   hidden units of the two fully connected layers before narrowing
 * @param dropout       dropout probability after each hidden layer (0 turns dropout off)
 */
public record VggConfig(VggVariant variant, int ratio, int inChannels, int imageSize, int classes, int hiddenUnits,
        double dropout) {

    /**
     * Checks every field; each violation is an {@link IllegalArgumentException} naming the field, its value and
     * what is allowed.
     *
     * @param variant     the layer layout
     * @param ratio       the divisor of every block's channels and of the hidden units
     * @param inChannels  input image channels
     * @param imageSize   input height and width, a positive multiple of 32
     * @param classes     output classes, at least 2
     * @param hiddenUnits units of the two hidden fully connected layers, before the ratio
     * @param dropout     dropout probability of the head, in [0, 1)
     */
    public VggConfig {
        if (variant == null) {
            throw new IllegalArgumentException("variant is required");
        }
        if (ratio < 1) {
            throw new IllegalArgumentException("ratio must be >= 1, got " + ratio);
        }
        if (imageSize < 32 || imageSize % 32 != 0) {
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
                m.hiddenUnits(), m.dropout());
    }

    /**
     * This configuration as stored in a run configuration and its checkpoints.
     *
     * @return the stored form
     */
    public ModelConfig toModelConfig() {
        return new ModelConfig(ModelConfig.VGG, variant.id(), ratio, inChannels, imageSize, classes, hiddenUnits,
                dropout);
    }

    /**
     * This configuration with {@code ratio} replaced (checked as by the constructor).
     *
     * @param newRatio the new value
     * @return the new configuration
     */
    public VggConfig withRatio(int newRatio) {
        return new VggConfig(variant, newRatio, inChannels, imageSize, classes, hiddenUnits, dropout);
    }

    /**
     * This configuration with {@code imageSize} replaced (checked as by the constructor).
     *
     * @param newSize the new value
     * @return the new configuration
     */
    public VggConfig withImageSize(int newSize) {
        return new VggConfig(variant, ratio, inChannels, newSize, classes, hiddenUnits, dropout);
    }

    /**
     * This configuration with {@code inChannels} replaced (checked as by the constructor).
     *
     * @param channels the new value
     * @return the new configuration
     */
    public VggConfig withInChannels(int channels) {
        return new VggConfig(variant, ratio, channels, imageSize, classes, hiddenUnits, dropout);
    }

    /**
     * This configuration with {@code classes} replaced (checked as by the constructor).
     *
     * @param n the new value
     * @return the new configuration
     */
    public VggConfig withClasses(int n) {
        return new VggConfig(variant, ratio, inChannels, imageSize, n, hiddenUnits, dropout);
    }

    /**
     * This configuration with {@code hiddenUnits} replaced (checked as by the constructor).
     *
     * @param n the new value
     * @return the new configuration
     */
    public VggConfig withHiddenUnits(int n) {
        return new VggConfig(variant, ratio, inChannels, imageSize, classes, n, dropout);
    }

    /**
     * This configuration with {@code dropout} replaced (checked as by the constructor).
     *
     * @param p the new value
     * @return the new configuration
     */
    public VggConfig withDropout(double p) {
        return new VggConfig(variant, ratio, inChannels, imageSize, classes, hiddenUnits, p);
    }
}
