package org.vgg4j.datasets.image;

/**
 * The samples {@link ImageDecoder} produces: one 8-bit grey sample per pixel (PIL's {@code convert('L')}) or three
 * 8-bit samples R, G, B per pixel (PIL's {@code convert('RGB')}).
 */
public enum PixelFormat {
    /** One unsigned byte per pixel: {@code L = (19595 R + 38470 G + 7471 B + 32768) >> 16}, PIL's ITU-R 601-2 luma. */
    GREY(1),
    /** Three unsigned bytes per pixel, R then G then B; alpha is dropped without compositing, as PIL does. */
    RGB(3);

    private final int channels;

    PixelFormat(int channels) {
        this.channels = channels;
    }

    /**
     * Samples per pixel: 1 or 3.
     *
     * @return 1 for {@link #GREY}, 3 for {@link #RGB}
     */
    public int channels() {
        return channels;
    }

    /**
     * The format whose samples feed a network input with {@code channels} channels.
     *
     * @param channels the network's input channels
     * @return {@link #GREY} for 1, {@link #RGB} for 3
     * @throws IllegalArgumentException for anything but 1 or 3
     */
    public static PixelFormat forChannels(int channels) {
        return switch (channels) {
            case 1 -> GREY;
            case 3 -> RGB;
            default -> throw new IllegalArgumentException("images have 1 (grey) or 3 (RGB) channels; this model takes "
                    + channels);
        };
    }
}
