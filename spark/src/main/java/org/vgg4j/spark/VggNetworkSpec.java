package org.vgg4j.spark;

import org.vgg4j.core.Network;
import org.vgg4j.models.vgg.Vgg;
import org.vgg4j.models.vgg.VggConfig;
import org.vgg4j.models.vgg.VggLayout;
import org.vgg4j.models.vgg.VggVariant;

/**
 * A VGG network ({@link VggConfig}) as a {@link NetworkSpec}: its fields are plain values, so it serializes to every
 * executor, which builds the same network with {@link Vgg#build}.
 *
 * <p>Serializable only so that Spark can ship it to executors running the same build; its serialized form is
 * not a stable format, so it is left out of the serialized-form documentation.
 *
 * @param variant     VGG11, VGG13, VGG16 or VGG19
 * @param ratio       channel divisor (d2l's narrow network: 4)
 * @param inChannels  input channels
 * @param imageSize   input height and width (a multiple of 32)
 * @param classes     output classes
 * @param hiddenUnits hidden units of the classifier (before the ratio)
 * @param dropout     dropout probability of the classifier
 * @serial exclude
 */
public record VggNetworkSpec(VggVariant variant, int ratio, int inChannels, int imageSize, int classes,
        int hiddenUnits, double dropout) implements NetworkSpec {
    private static final long serialVersionUID = 1L;

    /**
     * Checks the values as {@link VggConfig} does.
     *
     * @param variant     VGG11, VGG13, VGG16 or VGG19
     * @param ratio       channel divisor
     * @param inChannels  input channels
     * @param imageSize   input height and width (a multiple of 32)
     * @param classes     output classes
     * @param hiddenUnits hidden units of the classifier (before the ratio)
     * @param dropout     dropout probability of the classifier
     * @throws IllegalArgumentException if {@link VggConfig} refuses the values
     */
    public VggNetworkSpec {
        config(variant, ratio, inChannels, imageSize, classes, hiddenUnits, dropout); // validates
    }

    /**
     * The spec of {@code config}, which must be d2l's layout without batch norm (refused otherwise).
     *
     * @param config a d2l-layout VGG configuration without batch norm
     * @return the spec with {@code config}'s values
     * @throws IllegalArgumentException if {@code config} has batch norm or another layout
     */
    public static VggNetworkSpec of(VggConfig config) {
        if (config.batchNorm() || config.layout() != VggLayout.D2L) {
            throw new IllegalArgumentException("Spark's VggNetworkSpec carries d2l VGG without batch norm only; got "
                    + (config.batchNorm() ? "batch norm" : "") + (config.batchNorm()
                    && config.layout() != VggLayout.D2L ? " and " : "")
                    + (config.layout() != VggLayout.D2L ? "layout " + config.layout() : ""));
        }
        return new VggNetworkSpec(config.variant(), config.ratio(), config.inChannels(), config.imageSize(),
                config.classes(), config.hiddenUnits(), config.dropout());
    }

    /**
     * The equivalent {@link VggConfig}.
     *
     * @return a new configuration with this spec's values (d2l layout, no batch norm)
     */
    public VggConfig config() {
        return config(variant, ratio, inChannels, imageSize, classes, hiddenUnits, dropout);
    }

    private static VggConfig config(VggVariant variant, int ratio, int inChannels, int imageSize, int classes,
            int hiddenUnits, double dropout) {
        return new VggConfig(variant, ratio, inChannels, imageSize, classes, hiddenUnits, dropout);
    }

    @Override
    public Network build() {
        return Vgg.build(config());
    }

    @Override
    public String key() {
        return variant.name().toLowerCase(java.util.Locale.ROOT) + "/ratio=" + ratio + "/" + inChannels + "x"
                + imageSize + "x" + imageSize + "/classes=" + classes + "/hidden=" + hiddenUnits + "/dropout="
                + dropout;
    }
}
