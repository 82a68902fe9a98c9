package org.vgg4j.datasets.image;

import java.io.IOException;
import javax.imageio.stream.ImageInputStream;

/**
 * How many colours a PNG's PLTE chunk really holds. The JDK's reader pads a short palette with copies of its last
 * colour, while PIL gives an index past the palette's end grey level {@code index}; knowing the count lets the
 * decoder do what PIL does with such (invalid) files.
 */
final class PngPalette {
    /** Chunks looked at before giving up: PLTE comes before the first IDAT. */
    private static final int MAX_CHUNKS = 256;

    private PngPalette() {
    }

    /**
     * The number of PLTE entries of the PNG at the start of {@code in}, or -1 if there is no PLTE before the image
     * data or the chunks cannot be walked (the reader then reports whatever is wrong). The stream is back at its
     * start afterwards.
     */
    static int entries(ImageInputStream in) {
        try {
            long pos = 8;
            for (int i = 0; i < MAX_CHUNKS; i++) {
                in.seek(pos);
                long length = in.readUnsignedInt();
                int type = in.readInt();
                if (type == 0x504C5445) { // "PLTE"
                    return (int) Math.min(length / 3, 256);
                }
                if (type == 0x49444154 || type == 0x49454E44) { // "IDAT", "IEND"
                    return -1;
                }
                pos += 12 + length;
            }
            return -1;
        } catch (IOException | IndexOutOfBoundsException e) {
            // The JDK's MemoryCache throws IndexOutOfBoundsException when a chunk length points past the data.
            return -1;
        } finally {
            try {
                in.seek(0);
            } catch (IOException ignored) {
                // the reader will fail on the same stream and say why
            }
        }
    }
}
