package org.vgg4j.datasets.image;

/**
 * The JPEG colour spaces as libjpeg (which PIL decodes with) tells them apart, and its YCbCr to RGB conversion
 * ({@code jdcolor.c}: 16-bit fixed-point tables, arithmetic shifts, clamping) so that raw JPEG samples become exactly
 * the RGB libjpeg would have produced.
 */
enum JpegColour {
    /** One component. */
    GREY,
    /** Three components, stored as RGB (Adobe transform 0, or component ids 'R', 'G', 'B'). */
    RGB,
    /** Three components, stored as YCbCr (JFIF, Adobe transform 1, or anything else with three). */
    YCBCR,
    /** Four components, stored as inverted CMYK (Adobe transform 0, or no Adobe marker). */
    CMYK,
    /** Four components, stored as YCbCr plus inverted K (Adobe transform 2 or unknown). */
    YCCK;

    private static final int SCALE_BITS = 16;
    private static final int ONE_HALF = 1 << (SCALE_BITS - 1);
    private static final int[] CR_R = new int[256];
    private static final int[] CB_B = new int[256];
    private static final int[] CR_G = new int[256];
    private static final int[] CB_G = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int x = i - 128;
            CR_R[i] = (fix(1.40200) * x + ONE_HALF) >> SCALE_BITS;
            CB_B[i] = (fix(1.77200) * x + ONE_HALF) >> SCALE_BITS;
            CR_G[i] = -fix(0.71414) * x;
            CB_G[i] = -fix(0.34414) * x + ONE_HALF;
        }
    }

    private static int fix(double x) {
        return (int) (x * (1L << SCALE_BITS) + 0.5);
    }

    /**
     * libjpeg's guess ({@code jdapimin.c default_decompress_parms}) from the markers and the frame's component ids.
     *
     * @param components   components in the frame
     * @param jfif         whether a JFIF APP0 marker was seen
     * @param adobeTransform the Adobe APP14 marker's transform, or -1 without one
     * @param ids          the frame's component ids
     * @return the colour space, or null for a component count libjpeg does not decode (2, or more than 4)
     */
    static JpegColour guess(int components, boolean jfif, int adobeTransform, int[] ids) {
        switch (components) {
            case 1:
                return GREY;
            case 3:
                if (jfif) {
                    return YCBCR;
                }
                if (adobeTransform >= 0) {
                    return adobeTransform == 0 ? RGB : YCBCR;
                }
                if (ids[0] == 'R' && ids[1] == 'G' && ids[2] == 'B') {
                    return RGB;
                }
                return YCBCR;
            case 4:
                if (adobeTransform >= 0) {
                    return adobeTransform == 0 ? CMYK : YCCK;
                }
                return CMYK;
            default:
                return null;
        }
    }

    /** libjpeg's {@code ycc_rgb_convert} of one pixel; returns {@code 0xRRGGBB}. */
    static int yccToRgb(int y, int cb, int cr) {
        int r = PilColour.clip8(y + CR_R[cr]);
        int g = PilColour.clip8(y + ((CB_G[cb] + CR_G[cr]) >> SCALE_BITS));
        int b = PilColour.clip8(y + CB_B[cb]);
        return (r << 16) | (g << 8) | b;
    }
}
