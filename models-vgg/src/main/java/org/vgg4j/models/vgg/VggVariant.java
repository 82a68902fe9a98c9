package org.vgg4j.models.vgg;

import java.util.List;
import java.util.Locale;

/**
 * The four VGG depths of Simonyan and Zisserman (2014), configurations A, B, D and E: per block, the number of 3x3
 * convolutions and their channels.
 */
public enum VggVariant {
    /** Configuration A: 8 convolutions + 3 fully connected layers. */
    VGG11(List.of(new Block(1, 64), new Block(1, 128), new Block(2, 256), new Block(2, 512), new Block(2, 512))),
    /** Configuration B: 10 convolutions + 3 fully connected layers. */
    VGG13(List.of(new Block(2, 64), new Block(2, 128), new Block(2, 256), new Block(2, 512), new Block(2, 512))),
    /** Configuration D: 13 convolutions + 3 fully connected layers. */
    VGG16(List.of(new Block(2, 64), new Block(2, 128), new Block(3, 256), new Block(3, 512), new Block(3, 512))),
    /** Configuration E: 16 convolutions + 3 fully connected layers. */
    VGG19(List.of(new Block(2, 64), new Block(2, 128), new Block(4, 256), new Block(4, 512), new Block(4, 512)));

    /**
     * One VGG block: {@code convolutions} 3x3 convolutions with {@code channels} outputs, each followed by ReLU, then a
     * 2x2 max-pool.
     *
     * @param convolutions number of convolutions
     * @param channels     output channels of each (before narrowing)
     */
    public record Block(int convolutions, int channels) {
    }

    private final List<Block> blocks;

    VggVariant(List<Block> blocks) {
        this.blocks = blocks;
    }

    /**
     * The five blocks, input side first.
     *
     * @return the blocks
     */
    public List<Block> blocks() {
        return blocks;
    }

    /**
     * The lower-case name users type: {@code vgg11}.
     *
     * @return the name
     */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Looks a variant up by name ({@code vgg11}, {@code VGG-16}, {@code 19}); the error lists the choices.
     *
     * @param name the name as typed
     * @return the variant
     * @throws IllegalArgumentException if no variant has that name
     */
    public static VggVariant byName(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
        if (!n.startsWith("vgg")) {
            n = "vgg" + n;
        }
        for (VggVariant v : values()) {
            if (v.id().equals(n)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown model '" + name + "': use vgg11, vgg13, vgg16 or vgg19");
    }
}
