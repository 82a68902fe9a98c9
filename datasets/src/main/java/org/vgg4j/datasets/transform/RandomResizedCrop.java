package org.vgg4j.datasets.transform;

import java.util.SplittableRandom;
import org.vgg4j.datasets.ResizeMode;
import org.vgg4j.datasets.Resizer;

/**
 * torchvision's {@code RandomResizedCrop(size, scale, ratio)}: picks a box of the image with torchvision's sampling
 * algorithm ({@link #box}: up to 10 tries of a random area fraction in {@code scale} and a log-uniform aspect ratio in
 * {@code ratio}, else a centre crop) and resizes it to {@code size x size} with PIL's bilinear filter. The resize runs
 * on the float image (PIL's weights in double precision, no 8-bit rounding), so against torchvision on a PIL image it
 * agrees to within one 8-bit level, not exactly. At the start of an {@link Augmentation} it replaces the loader's
 * resize, as in torchvision's ImageNet recipe: it sees the stored image at its own size.
 *
 * @param size     side of the square output, at least 1
 * @param minScale smallest fraction of the image's area a box covers, in (0, maxScale]
 * @param maxScale largest fraction of the image's area a box covers, at most 1
 * @param minRatio smallest aspect ratio (width / height) of a box, &gt; 0
 * @param maxRatio largest aspect ratio, at least {@code minRatio}
 */
public record RandomResizedCrop(int size, double minScale, double maxScale, double minRatio, double maxRatio)
        implements Transform {
    /** torchvision's number of tries before the centre crop. */
    public static final int ATTEMPTS = 10;

    /**
     * Checks the ranges.
     *
     * @param size     side of the square output, at least 1
     * @param minScale smallest area fraction, in (0, maxScale]
     * @param maxScale largest area fraction, in [minScale, 1]
     * @param minRatio smallest aspect ratio, &gt; 0
     * @param maxRatio largest aspect ratio, at least {@code minRatio}, finite
     * @throws IllegalArgumentException naming the value out of range
     */
    public RandomResizedCrop {
        if (size < 1) {
            throw new IllegalArgumentException("resized crop size must be positive, got " + size);
        }
        if (!(minScale > 0 && minScale <= maxScale && maxScale <= 1)) {
            throw new IllegalArgumentException("resized crop scale must satisfy 0 < min <= max <= 1, got (" + minScale
                    + ", " + maxScale + ")");
        }
        if (!(minRatio > 0 && minRatio <= maxRatio && Double.isFinite(maxRatio))) {
            throw new IllegalArgumentException("resized crop ratio must satisfy 0 < min <= max, got (" + minRatio
                    + ", " + maxRatio + ")");
        }
    }

    /**
     * torchvision's defaults: {@code scale=(0.08, 1.0)}, {@code ratio=(3/4, 4/3)}.
     *
     * @param size side of the square output, at least 1
     * @return the transform
     */
    public static RandomResizedCrop of(int size) {
        return new RandomResizedCrop(size, 0.08, 1.0, 3.0 / 4.0, 4.0 / 3.0);
    }

    @Override
    public Image apply(Image image, SplittableRandom random) {
        return resizedCrop(image, box(image.height(), image.width(), random));
    }

    /**
     * torchvision's {@code RandomResizedCrop.get_params}, in double precision and drawing from {@code random}: up to
     * {@value #ATTEMPTS} times, an area {@code height * width * U(minScale, maxScale)} and an aspect ratio
     * {@code exp(U(ln minRatio, ln maxRatio))} give {@code w = round(sqrt(area * ratio))},
     * {@code h = round(sqrt(area / ratio))} (round half to even, as Python); the first that fits is placed at a
     * uniform top row, then left column. If none fits, the centre crop: the whole image, or its centre narrowed or
     * shortened to the nearest allowed ratio.
     *
     * @param height the image's rows, at least 1
     * @param width  the image's columns, at least 1
     * @param random the sample's random stream
     * @return the box, inside the image
     */
    public CropBox box(int height, int width, SplittableRandom random) {
        double area = (double) height * width;
        double logLo = Math.log(minRatio);
        double logHi = Math.log(maxRatio);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            double target = area * uniform(random, minScale, maxScale);
            double aspect = Math.exp(uniform(random, logLo, logHi));
            int w = (int) Math.rint(Math.sqrt(target * aspect));
            int h = (int) Math.rint(Math.sqrt(target / aspect));
            if (0 < w && w <= width && 0 < h && h <= height) {
                int top = random.nextInt(height - h + 1);
                int left = random.nextInt(width - w + 1);
                return new CropBox(top, left, h, w);
            }
        }
        return centreBox(height, width);
    }

    /**
     * torchvision's fallback when no try fits: the whole image if its aspect ratio is within range, else the largest
     * centred box of the nearest allowed ratio spanning its full width (ratio below range) or height (above).
     *
     * @param height the image's rows, at least 1
     * @param width  the image's columns, at least 1
     * @return the centred box
     */
    public CropBox centreBox(int height, int width) {
        double inRatio = (double) width / height;
        int w;
        int h;
        if (inRatio < minRatio) {
            w = width;
            h = (int) Math.rint(w / minRatio);
        } else if (inRatio > maxRatio) {
            h = height;
            w = (int) Math.rint(h * maxRatio);
        } else {
            w = width;
            h = height;
        }
        return new CropBox(Math.floorDiv(height - h, 2), Math.floorDiv(width - w, 2), h, w);
    }

    /**
     * Cuts {@code box} out of {@code image} and resizes it to {@code size x size} with PIL's bilinear filter on the
     * floats ({@link Resizer#resizeFloats}): torchvision's {@code F.resized_crop(img, top, left, h, w, size)}.
     *
     * @param image the input; not changed
     * @param box   the box to cut, inside the image
     * @return a new {@code size x size} image with the input's channels
     * @throws IllegalArgumentException if the box does not lie inside the image
     */
    public Image resizedCrop(Image image, CropBox box) {
        int inH = image.height();
        int inW = image.width();
        if (box.top() + box.height() > inH || box.left() + box.width() > inW) {
            throw new IllegalArgumentException(box + " is not inside a " + inH + "x" + inW + " image");
        }
        int c = image.channels();
        int h = box.height();
        int w = box.width();
        float[] in = image.values();
        float[] crop = new float[h * w];
        float[] out = new float[c * size * size];
        Resizer resizer = new Resizer(h, w, size, size, ResizeMode.FLOAT);
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(in, (ch * inH + box.top() + y) * inW + box.left(), crop, y * w, w);
            }
            resizer.resizeFloats(crop, 0, out, ch * size * size);
        }
        return new Image(c, size, size, out);
    }

    private static double uniform(SplittableRandom random, double lo, double hi) {
        return lo + (hi - lo) * random.nextDouble();
    }
}
