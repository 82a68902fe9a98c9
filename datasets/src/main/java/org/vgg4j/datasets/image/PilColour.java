package org.vgg4j.datasets.image;

/**
 * PIL's colour arithmetic (Pillow 9.4, {@code libImaging/Convert.c}), bit for bit: the luma of {@code convert('L')},
 * the naive CMYK to RGB of {@code convert('RGB')}, and the scaling of samples that are not 8 bits wide.
 */
final class PilColour {
    private PilColour() {
    }

    /** {@code convert('L')} of an RGB pixel: ITU-R 601-2 luma in 16-bit fixed point, {@code L24(rgb) >> 16}. */
    static int luma(int r, int g, int b) {
        return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
    }

    /** PIL's {@code MULDIV255}: {@code a * b / 255}, rounded. */
    static int mulDiv255(int a, int b) {
        int t = a * b + 128;
        return ((t >> 8) + t) >> 8;
    }

    /**
     * {@code convert('RGB')} of a CMYK pixel (0 = no ink), PIL's {@code cmyk2rgb}: {@code R = (255 - K) - C (255 - K) / 255}
     * and likewise G from M, B from Y; no colour management. Returns {@code 0xRRGGBB}.
     */
    static int cmykToRgb(int c, int m, int y, int k) {
        int nk = 255 - k;
        int r = clip8(nk - mulDiv255(c, nk));
        int g = clip8(nk - mulDiv255(m, nk));
        int b = clip8(nk - mulDiv255(y, nk));
        return (r << 16) | (g << 8) | b;
    }

    /**
     * A sample {@code bits} wide as PIL's unpackers make it 8 bits wide: wider samples keep their high byte (PNG's
     * 16-bit {@code RGB;16B}, {@code LA;16B}), narrower ones scale by {@code 255 / (2^bits - 1)} truncated (1-, 2- and
     * 4-bit grey, 5- and 6-bit BMP fields).
     */
    static int to8Bits(int sample, int bits) {
        if (bits == 8) {
            return sample;
        }
        if (bits > 8) {
            return sample >>> (bits - 8);
        }
        return sample * 255 / ((1 << bits) - 1);
    }

    static int clip8(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }
}
