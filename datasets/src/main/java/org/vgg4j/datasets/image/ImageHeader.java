package org.vgg4j.datasets.image;

/**
 * What an image file declares before any pixel is decoded: its format and size. {@link ImageDecoder#readHeader} reads
 * it; the decoder checks it against its pixel limit before it decodes.
 *
 * @param format the format, from the file's signature
 * @param width  width in pixels, as declared (for GIF: the canvas the first frame is drawn on)
 * @param height height in pixels, as declared
 */
public record ImageHeader(ImageFormat format, int width, int height) {

    /**
     * {@code width * height}, without overflow.
     *
     * @return the number of pixels the file declares, as a long
     */
    public long pixels() {
        return (long) width * height;
    }
}
