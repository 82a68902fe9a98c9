package org.vgg4j.serve;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import javax.imageio.ImageIO;

/** Images for the server tests, written with their raw samples (no colour conversion). */
final class TestImages {
    private TestImages() {
    }

    /** Seeded random pixels of an 8-bit grey image {@code w x h}. */
    static byte[] greyPixels(int w, int h, long seed) {
        byte[] px = new byte[w * h];
        new Random(seed).nextBytes(px);
        return px;
    }

    /** An 8-bit grey PNG of {@link #greyPixels}. */
    static byte[] greyPng(int w, int h, long seed) {
        return png(greyPixels(w, h, seed), w, h);
    }

    /** An 8-bit grey PNG of {@code pixels} (row-major, {@code w x h}). */
    static byte[] png(byte[] pixels, int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setDataElements(0, 0, w, h, pixels);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
