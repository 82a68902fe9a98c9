package org.vgg4j.cli;

import picocli.CommandLine.Option;

/**
 * The options {@code --mean} and {@code --std} of {@code predict} and {@code evaluate}: the per-channel normalisation
 * applied to pixels scaled to [0, 1] before they reach the network, as torchvision's {@code Normalize}; none by
 * default.
 */
final class NormalizeOptions {
    @Option(names = "--mean", paramLabel = "M1,M2,...|imagenet", description = "subtract a per-channel mean from pixels "
            + "in [0, 1] (one value per model channel, each 0 to 1, or imagenet = 0.485,0.456,0.406; "
            + "--mean imagenet alone also sets --std imagenet; default: none)")
    String mean;
    @Option(names = "--std", paramLabel = "S1,S2,...|imagenet", description = "then divide by a per-channel standard "
            + "deviation (one value > 0 per model channel, or imagenet = 0.229,0.224,0.225; default: none)")
    String std;

    /** The normalisation for a model of {@code channels} channels; see {@link Normalization#of}. */
    Normalization forChannels(int channels) {
        return Normalization.of(mean, std, channels);
    }
}
