package org.vgg4j.datasets.image;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * Turns decoded rasters into 8-bit grey or RGB samples exactly as PIL's {@code convert('L')} / {@code convert('RGB')}
 * would: it reads the raster's samples themselves (never {@code BufferedImage.getRGB}, which colour-manages grey and
 * ICC-tagged images), looks palettes up, drops alpha without compositing, and applies {@link PilColour}'s arithmetic.
 */
final class Samples {
    private final PixelFormat pixels;
    private final byte[] out;

    private Samples(int width, int height, PixelFormat pixels) {
        this.pixels = pixels;
        this.out = new byte[Math.multiplyExact(Math.multiplyExact(width, height), pixels.channels())];
    }

    private void grey(int i, int v) {
        if (pixels == PixelFormat.GREY) {
            out[i] = (byte) v;
        } else {
            out[3 * i] = (byte) v;
            out[3 * i + 1] = (byte) v;
            out[3 * i + 2] = (byte) v;
        }
    }

    private void rgb(int i, int rgb) {
        int r = (rgb >> 16) & 0xFF;
        int g = (rgb >> 8) & 0xFF;
        int b = rgb & 0xFF;
        if (pixels == PixelFormat.GREY) {
            out[i] = (byte) PilColour.luma(r, g, b);
        } else {
            out[3 * i] = (byte) r;
            out[3 * i + 1] = (byte) g;
            out[3 * i + 2] = (byte) b;
        }
    }

    /**
     * The samples of a PNG, GIF frame or BMP as the JDK's readers decode it: palette images through their palette
     * (PIL's {@code P} mode; alpha ignored; see {@link #palette} for {@code paletteEntries}), grey and RGB images from
     * their raw samples scaled to 8 bits by {@link PilColour#to8Bits}.
     *
     * @return null if the colour model has neither 1 nor 3 colour components
     */
    static byte[] of(BufferedImage image, int paletteEntries, PixelFormat pixels) {
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        int w = raster.getWidth();
        int h = raster.getHeight();
        if (cm instanceof IndexColorModel icm) {
            return indexed(w, h, palette(icm, paletteEntries), (y, row) -> raster.getSamples(raster.getMinX(),
                    raster.getMinY() + y, w, 1, 0, row), pixels);
        }
        int colours = cm.getNumColorComponents();
        if (colours != 1 && colours != 3) {
            return null;
        }
        int[] bits = new int[colours];
        for (int c = 0; c < colours; c++) {
            bits[c] = cm.getComponentSize(c);
        }
        if (colours == 1) {
            return eachPixel(raster, pixels, (s, i, row, p) -> s.grey(i, PilColour.to8Bits(row[p], bits[0])));
        }
        return eachPixel(raster, pixels, (s, i, row, p) -> s.rgb(i, (PilColour.to8Bits(row[p], bits[0]) << 16)
                | (PilColour.to8Bits(row[p + 1], bits[1]) << 8) | PilColour.to8Bits(row[p + 2], bits[2])));
    }

    /** Writes pixel {@code i} from its bands at {@code row[p ..]}. */
    @FunctionalInterface
    private interface Pixel {
        void put(Samples out, int i, int[] row, int p);
    }

    /** Runs {@code pixel} over every pixel of {@code raster}, one row of band values at a time. */
    private static byte[] eachPixel(Raster raster, PixelFormat pixels, Pixel pixel) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        int bands = raster.getNumBands();
        Samples s = new Samples(w, h, pixels);
        int[] row = new int[w * bands];
        for (int y = 0; y < h; y++) {
            raster.getPixels(raster.getMinX(), raster.getMinY() + y, w, 1, row);
            int i = y * w;
            for (int x = 0; x < w; x++, i++) {
                pixel.put(s, i, row, x * bands);
            }
        }
        return s.out;
    }

    /** One row of palette indices. */
    @FunctionalInterface
    interface IndexRows {
        void row(int y, int[] into);
    }

    /**
     * The samples of an image of palette indices: each index through {@code palette} ({@code 0xRRGGBB} entries; an
     * index past the table's end, which only a reader bug could give, is black).
     */
    static byte[] indexed(int w, int h, int[] palette, IndexRows rows, PixelFormat pixels) {
        Samples s = new Samples(w, h, pixels);
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            rows.row(y, row);
            int i = y * w;
            for (int x = 0; x < w; x++, i++) {
                int index = row[x];
                s.rgb(i, index >= 0 && index < palette.length ? palette[index] : 0);
            }
        }
        return s.out;
    }

    /**
     * All 256 palette colours as {@code 0xRRGGBB}, alpha dropped: the first {@code entries} from {@code icm} (all of
     * it if {@code entries < 0}), the rest grey level {@code i} as PIL fills a palette past the file's colours (a
     * reader may pad it otherwise).
     */
    static int[] palette(IndexColorModel icm, int entries) {
        int stored = entries < 0 ? icm.getMapSize() : Math.min(entries, icm.getMapSize());
        int[] colours = new int[256];
        for (int i = 0; i < colours.length; i++) {
            colours[i] = i < stored ? (icm.getRed(i) << 16) | (icm.getGreen(i) << 8) | icm.getBlue(i)
                    : (i << 16) | (i << 8) | i;
        }
        return colours;
    }

    /**
     * The samples of a JPEG's raw raster (libjpeg's output before colour conversion) in colour space {@code colour}:
     * YCbCr through libjpeg's tables, CMYK inverted as PIL reads Adobe CMYK, YCCK through libjpeg's YCCK to CMYK, then
     * PIL's CMYK to RGB.
     */
    static byte[] ofJpeg(Raster raster, JpegColour colour, PixelFormat pixels) {
        Pixel pixel = switch (colour) {
            case GREY -> (s, i, row, p) -> s.grey(i, row[p]);
            case RGB -> (s, i, row, p) -> s.rgb(i, (row[p] << 16) | (row[p + 1] << 8) | row[p + 2]);
            case YCBCR -> (s, i, row, p) -> s.rgb(i, JpegColour.yccToRgb(row[p], row[p + 1], row[p + 2]));
            case CMYK -> (s, i, row, p) -> s.rgb(i, PilColour.cmykToRgb(255 - row[p], 255 - row[p + 1],
                    255 - row[p + 2], 255 - row[p + 3]));
            // libjpeg: C = 255 - R(YCC), M = 255 - G, Y = 255 - B, K as stored; PIL then inverts all four.
            case YCCK -> (s, i, row, p) -> {
                int rgb = JpegColour.yccToRgb(row[p], row[p + 1], row[p + 2]);
                s.rgb(i, PilColour.cmykToRgb((rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF, 255 - row[p + 3]));
            };
        };
        return eachPixel(raster, pixels, pixel);
    }
}
