package org.vgg4j.core.config;

/**
 * The network part of a {@link RunConfig}: which model family and variant, and the numbers that size it; enough for
 * the family's builder (for VGG, {@code VggConfig.from}) to rebuild exactly the network a checkpoint's weights fit.
 *
 * @param family      model family; {@code vgg} is the only one today
 * @param variant     variant within the family ({@code vgg11}, {@code vgg13}, {@code vgg16}, {@code vgg19})
 * @param ratio       narrowing ratio: convolution channels and hidden units are divided by it
 * @param inChannels  channels of the input image
 * @param imageSize   height and width of the input image
 * @param classes     number of output classes
 * @param hiddenUnits hidden units of the fully connected layers before narrowing
 * @param dropout     dropout probability of the fully connected layers, in [0, 1)
 * @param batchNorm   a batch norm after every convolution ({@code vgg11_bn} ...); since checkpoint format 3
 * @param layout      the module structure and so the parameter names: {@link #D2L} or {@code torchvision}; since
 *                    checkpoint format 3 (older checkpoints are d2l without batch norm)
 */
public record ModelConfig(String family, String variant, int ratio, int inChannels, int imageSize, int classes,
        int hiddenUnits, double dropout, boolean batchNorm, String layout) {

    /** The only model family so far. */
    public static final String VGG = "vgg";
    /** The default layout, the d2l chapter's module structure. */
    public static final String D2L = "d2l";

    /**
     * Checks the fields.
     *
     * @param family      model family, not null
     * @param variant     variant within the family, not null
     * @param ratio       narrowing ratio, >= 1
     * @param inChannels  input image channels, >= 1
     * @param imageSize   input height and width in pixels, >= 1
     * @param classes     output classes, >= 2
     * @param hiddenUnits fully connected hidden units before narrowing, >= 1
     * @param dropout     dropout probability, in [0, 1)
     * @param batchNorm   whether a batch norm follows every convolution
     * @param layout      {@link #D2L} or {@code torchvision}, not null
     * @throws IllegalArgumentException naming the field, if {@code family}, {@code variant} or {@code layout} is
     *                                  null, {@code ratio}, {@code inChannels}, {@code imageSize} or
     *                                  {@code hiddenUnits} is below 1, {@code classes} is below 2, or
     *                                  {@code dropout} is outside [0, 1)
     */
    public ModelConfig {
        Checks.present(family, "model.family");
        Checks.present(variant, "model.variant");
        Checks.positive("model.ratio", ratio);
        Checks.positive("model.inChannels", inChannels);
        Checks.positive("model.imageSize", imageSize);
        Checks.atLeast("model.classes", classes, 2);
        Checks.positive("model.hiddenUnits", hiddenUnits);
        Checks.present(layout, "model.layout");
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("model.dropout must be >= 0 and < 1, got " + dropout);
        }
    }

    /**
     * The d2l chapter's narrow VGG-11 (ratio 8) on 1x224x224 images with 10 classes.
     *
     * @return d2l-layout {@code vgg11}, 4096 hidden units before narrowing, dropout 0.5, no batch norm
     */
    public static ModelConfig reference() {
        return new ModelConfig(VGG, "vgg11", 8, 1, 224, 10, 4096, 0.5, false, D2L);
    }
}
