package org.vgg4j.serve;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.datasets.ResizeMode;
import org.vgg4j.datasets.Resizer;

/**
 * Turns an uploaded image into a model's input exactly as {@code vgg4j predict} does for a file: decode, convert to
 * grey, optionally invert, resize with PIL's bilinear filter to the model's size, scale to [0, 1]; and turns a model
 * input back into a PNG, the image as the model sees it. Errors are {@link ApiException}s: 413 for an image over the
 * pixel limit (read from the header before decoding), 400 for bytes that are no decodable image.
 */
final class ImagePreprocessing {
    private ImagePreprocessing() {
    }

    /**
     * The input {@code [1, C, H, W]} for {@code bytes}.
     *
     * @throws ApiException 400 if the bytes are no image, 413 if it has more than {@code maxPixels} pixels, 400 if the
     *                      model does not take one-channel images
     */
    static Tensor toInput(byte[] bytes, Shape sample, boolean invert, long maxPixels) {
        if (sample.rank() != 3 || sample.dim(0) != 1) {
            throw new ApiException(ApiException.BAD_REQUEST, "this model takes input " + sample
                    + "; images can be sent only to models of one-channel (grey) images [1, H, W]");
        }
        BufferedImage img = decode(bytes, maxPixels);
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] grey = new byte[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = img.getRGB(x, y);
                int v = (int) Math.round(0.299 * ((rgb >> 16) & 0xFF) + 0.587 * ((rgb >> 8) & 0xFF)
                        + 0.114 * (rgb & 0xFF));
                grey[y * w + x] = (byte) (invert ? 255 - v : v);
            }
        }
        int rows = sample.dim(1);
        int cols = sample.dim(2);
        float[] out = new float[rows * cols];
        new Resizer(h, w, rows, cols, ResizeMode.PIL).resize(grey, 0, out, 0);
        return Tensor.wrap(sample.prepend(1), out);
    }

    private static BufferedImage decode(byte[] bytes, long maxPixels) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw undecodable("not a PNG, JPEG, GIF or BMP image");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > maxPixels) {
                    throw new ApiException(ApiException.CONTENT_TOO_LARGE, "the image is " + reader.getWidth(0)
                            + " x " + reader.getHeight(0) + " = " + pixels + " pixels; the limit is " + maxPixels
                            + " (--max-pixels)");
                }
                return reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ApiException api) {
                throw api;
            }
            throw undecodable(e.getMessage());
        }
    }

    private static ApiException undecodable(String why) {
        return new ApiException(ApiException.BAD_REQUEST, "cannot decode the image: " + why);
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
