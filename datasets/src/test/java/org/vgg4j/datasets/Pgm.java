package org.vgg4j.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Reads the binary greyscale PGM (P5) fixtures Pillow wrote. */
final class Pgm {
    final int width;
    final int height;
    final byte[] pixels;

    private Pgm(int width, int height, byte[] pixels) {
        this.width = width;
        this.height = height;
        this.pixels = pixels;
    }

    static Pgm resource(String name) throws IOException {
        try (InputStream in = Pgm.class.getResourceAsStream("/pil/" + name)) {
            if (in == null) {
                throw new IOException("missing test resource /pil/" + name);
            }
            byte[] all = in.readAllBytes();
            // header: "P5\n<w> <h>\n255\n" (Pillow writes exactly this form)
            int newlines = 0;
            int pos = 0;
            while (newlines < 3) {
                if (all[pos++] == '\n') {
                    newlines++;
                }
            }
            String[] header = new String(all, 0, pos, StandardCharsets.US_ASCII).trim().split("\\s+");
            if (!header[0].equals("P5") || !header[3].equals("255")) {
                throw new IOException("not an 8-bit P5 PGM: " + Arrays.toString(header));
            }
            int w = Integer.parseInt(header[1]);
            int h = Integer.parseInt(header[2]);
            return new Pgm(w, h, Arrays.copyOfRange(all, pos, pos + w * h));
        }
    }
}
