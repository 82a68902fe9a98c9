package org.vgg4j.datasets.image;

import java.util.Optional;

/**
 * A file format {@link ImageDecoder} reads, recognised by its first bytes (its signature), never by the file name.
 */
public enum ImageFormat {
    /** PNG: signature {@code 89 50 4E 47 0D 0A 1A 0A}. */
    PNG("png"),
    /** JPEG (JFIF, Exif, Adobe): starts with the SOI marker {@code FF D8 FF}. */
    JPEG("jpeg"),
    /** GIF 87a and 89a: {@code GIF87a} / {@code GIF89a}; the first frame is read. */
    GIF("gif"),
    /** Windows bitmap: {@code BM}. */
    BMP("bmp");

    private final String imageIoName;

    ImageFormat(String imageIoName) {
        this.imageIoName = imageIoName;
    }

    /** The format name {@code javax.imageio} knows this format by. */
    String imageIoName() {
        return imageIoName;
    }

    /** The format whose signature {@code head[0 .. length)} starts with, if any. */
    static Optional<ImageFormat> detect(byte[] head, int length) {
        if (startsWith(head, length, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return Optional.of(PNG);
        }
        if (startsWith(head, length, 0xFF, 0xD8, 0xFF)) {
            return Optional.of(JPEG);
        }
        if (startsWith(head, length, 'G', 'I', 'F', '8', '7', 'a')
                || startsWith(head, length, 'G', 'I', 'F', '8', '9', 'a')) {
            return Optional.of(GIF);
        }
        if (startsWith(head, length, 'B', 'M')) {
            return Optional.of(BMP);
        }
        return Optional.empty();
    }

    private static boolean startsWith(byte[] head, int length, int... signature) {
        if (length < signature.length) {
            return false;
        }
        for (int i = 0; i < signature.length; i++) {
            if ((head[i] & 0xFF) != signature[i]) {
                return false;
            }
        }
        return true;
    }
}
