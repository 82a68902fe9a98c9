package org.vgg4j.models.vgg;

import java.util.Locale;

/**
 * The module structure, and so the {@code state_dict} names, that a VGG network is built with; the layers' numerics
 * are the same in both except for torchvision's adaptive average pool in front of the classifier.
 */
public enum VggLayout {
    /**
     * The d2l chapter's: children {@code vgg_block_1..5} (convolutions, ReLUs, max-pool) and {@code fc} (flatten,
     * then linear/ReLU/dropout twice, then the classifier); the first linear layer takes the last block's output.
     */
    D2L,
    /**
     * torchvision's {@code models.vgg*}: {@code features.N} (all convolutions, batch norms, ReLUs and max-pools in one
     * sequence), {@code avgpool} ({@code AdaptiveAvgPool2d((7, 7))}), then {@code classifier.N} (linear 512*7*7 to
     * 4096, ReLU, dropout, linear 4096 to 4096, ReLU, dropout, linear to the classes), all narrowed by the ratio; a
     * parameterless {@code flatten} child stands for the {@code torch.flatten} of torchvision's {@code forward}.
     */
    TORCHVISION;

    /**
     * The lower-case name users type: {@code d2l}, {@code torchvision}.
     *
     * @return the layout's name as the CLI and the run configuration spell it
     */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The layout named {@code name} (case-insensitive); the error lists the choices.
     *
     * @param name a layout name such as {@code torchvision}, surrounding blanks ignored
     * @return the layout
     * @throws IllegalArgumentException if no layout has that name
     */
    public static VggLayout byName(String name) {
        for (VggLayout l : values()) {
            if (l.id().equals(name.trim().toLowerCase(Locale.ROOT))) {
                return l;
            }
        }
        throw new IllegalArgumentException("unknown layout '" + name + "': use d2l or torchvision");
    }
}
