package org.vgg4j.serve;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.datasets.image.DecodedImage;
import org.vgg4j.datasets.image.ImageDecodeException;
import org.vgg4j.datasets.image.ImageDecoder;
import org.vgg4j.datasets.image.PixelFormat;

/**
 * Turns an uploaded image into a model's input exactly as {@code vgg4j predict} does for a file: the datasets module's
 * {@link ImageDecoder} (PIL's {@code convert('L')} for one-channel models, {@code convert('RGB')} for three), optionally
 * inverted, resized with PIL's bilinear filter to the model's size, {@code v / 255}; and turns a model input back into
 * a PNG, the image as the model sees it. Errors are {@link ApiException}s: 413 for an image over the pixel limit (the
 * decoder reads it from the header before decoding), 400 for bytes that are no decodable image.
 */
final class ImagePreprocessing {
    /** How an upload is named in the decoder's messages. */
    private static final String NAME = "upload";

    private ImagePreprocessing() {
    }

    /**
     * The input {@code [1, C, H, W]} for {@code bytes}.
     *
     * @throws ApiException 400 if the bytes are no decodable image or the model takes neither 1 nor 3 channels, 413
     *                      if the image declares more than {@code maxPixels} pixels
     */
    static Tensor toInput(byte[] bytes, Shape sample, boolean invert, long maxPixels) {
        PixelFormat pixels;
        try {
            if (sample.rank() != 3) {
                throw new IllegalArgumentException("images feed models of input [C, H, W]; this one takes " + sample);
            }
            pixels = PixelFormat.forChannels(sample.dim(0));
        } catch (IllegalArgumentException e) {
            throw new ApiException(ApiException.BAD_REQUEST, e.getMessage());
        }
        ImageDecoder decoder = ImageDecoder.create().withMaxPixels(maxPixels)
                .withLimitHint("the server's --max-pixels sets it");
        DecodedImage image;
        try {
            image = decoder.decode(bytes, NAME, pixels);
        } catch (ImageDecodeException e) {
            if (e.reason() == ImageDecodeException.Reason.TOO_LARGE) {
                throw new ApiException(ApiException.CONTENT_TOO_LARGE, e.getMessage());
            }
            throw new ApiException(ApiException.BAD_REQUEST, "cannot decode the image: " + e.getMessage());
        }
        return (invert ? image.inverted() : image).resized(sample.dim(1), sample.dim(2)).toTensor();
    }

    /** The PNG of a model input {@code [1, C, H, W]} with values in [0, 1]: grey for C = 1, RGB for C = 3. */
    static byte[] toPng(Tensor input) {
        Shape s = input.shape();
        int channels = s.dim(1);
        int rows = s.dim(2);
        int cols = s.dim(3);
        BufferedImage img = new BufferedImage(cols, rows,
                channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        WritableRaster raster = img.getRaster();
        int plane = rows * cols;
        for (int y = 0; y < rows; y++) {
            for (int x = 0; x < cols; x++) {
                for (int c = 0; c < Math.min(channels, 3); c++) {
                    float v = input.get(c * plane + y * cols + x);
                    raster.setSample(x, y, c, Math.round(Math.max(0f, Math.min(1f, v)) * 255f));
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
