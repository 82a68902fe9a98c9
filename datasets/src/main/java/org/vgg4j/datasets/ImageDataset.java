package org.vgg4j.datasets;

import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;

/**
 * One split of an image data set held in memory: {@code size()} greyscale images of {@code rows x cols} unsigned
 * bytes and their labels, checked for consistency (as many labels as images, every label a class of the data set).
 * Gives single samples as raw bytes or [0, 1] float tensors (optionally resized); {@link DataLoader} batches it.
 * Immutable and thread-safe.
 */
public final class ImageDataset {
    private static final Logger LOG = LoggerFactory.getLogger(ImageDataset.class);

    private final DatasetSpec spec;
    private final Split split;
    private final int size;
    private final int rows;
    private final int cols;
    private final byte[] pixels;
    private final byte[] labels;

    private ImageDataset(DatasetSpec spec, Split split, int size, int rows, int cols, byte[] pixels, byte[] labels) {
        this.spec = spec;
        this.split = split;
        this.size = size;
        this.rows = rows;
        this.cols = cols;
        this.pixels = pixels;
        this.labels = labels;
    }

    /**
     * Reads a split from a located data set, verifying checksums when the location says so.
     *
     * @param location where the data set's files are, e.g. from {@link DataLocator#locate}; not null
     * @param split    the split to read; not null
     * @return the split's images and labels, in file order
     * @throws DataFormatException       when a file is malformed, truncated, or images and labels disagree
     * @throws ChecksumMismatchException when a file's SHA-256 is not the published one
     */
    public static ImageDataset load(DataLocation location, Split split) {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(split, "split");
        long t0 = System.nanoTime();
        DatasetSpec spec = location.spec();
        IdxImages images = IdxReader.readImages(location.images(split),
                location.expectedSha256(spec.imagesFile(split)));
        IdxLabels labels = IdxReader.readLabels(location.labels(split),
                location.expectedSha256(spec.labelsFile(split)));
        ImageDataset ds = of(spec, split, images, labels);
        LOG.info("read {} {} images of {}x{} from {} in {} ms{}", ds.size, split.name().toLowerCase(java.util.Locale.ROOT),
                ds.rows, ds.cols, location.dir(), (System.nanoTime() - t0) / 1_000_000,
                location.verifyChecksums() && spec.hasChecksums() ? " (checksums verified)" : "");
        return ds;
    }

    /**
     * A split made from images and labels already read or made in memory.
     *
     * @param spec   the data set the labels are classes of; not null
     * @param split  which split this is
     * @param images the images; their array is shared, not copied
     * @param labels one label per image; their array is shared, not copied
     * @return the split
     * @throws DataFormatException when the counts differ or a label is not a class of {@code spec}
     */
    public static ImageDataset of(DatasetSpec spec, Split split, IdxImages images, IdxLabels labels) {
        Objects.requireNonNull(spec, "spec");
        if (images.count() != labels.count()) {
            throw new DataFormatException("image/label count mismatch: " + name(images.source()) + " holds "
                    + images.count() + " images but " + name(labels.source()) + " holds " + labels.count()
                    + " labels. The two files must belong together (same split, same data set, both complete).");
        }
        int classes = spec.numClasses();
        for (int i = 0; i < labels.count(); i++) {
            int l = labels.label(i);
            if (l >= classes) {
                throw new DataFormatException(name(labels.source()) + ": label " + l + " at index " + i
                        + " is not a class of " + spec.displayName() + " (" + classes + " classes, labels 0 to "
                        + (classes - 1) + ")");
            }
        }
        return new ImageDataset(spec, split, images.count(), images.rows(), images.cols(), images.pixels(),
                labels.labels());
    }

    private static String name(Object source) {
        return source == null ? "(in-memory data)" : source.toString();
    }

    /**
     * The first {@code n} samples (all when {@code n >= size()}), sharing this data set's memory.
     *
     * @param n the most samples to keep, at least 0
     * @return this data set when {@code n >= size()}, else a view of its first {@code n} samples
     * @throws IllegalArgumentException if {@code n < 0}
     */
    public ImageDataset limit(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("limit must be >= 0, got " + n);
        }
        if (n >= size) {
            return this;
        }
        return new ImageDataset(spec, split, n, rows, cols, pixels, labels);
    }

    /**
     * The data set this split belongs to.
     *
     * @return its description: name, class names, files
     */
    public DatasetSpec spec() {
        return spec;
    }

    /**
     * Which split this is.
     *
     * @return {@link Split#TRAIN} or {@link Split#TEST}
     */
    public Split split() {
        return split;
    }

    /**
     * Number of samples.
     *
     * @return the number of images (and labels), at least 0
     */
    public int size() {
        return size;
    }

    /**
     * Image height in pixels.
     *
     * @return the rows of every image, at least 1
     */
    public int rows() {
        return rows;
    }

    /**
     * Image width in pixels.
     *
     * @return the columns of every image, at least 1
     */
    public int cols() {
        return cols;
    }

    /**
     * Class name of each label, index = label.
     *
     * @return {@code spec().classNames()}, unmodifiable
     */
    public List<String> classNames() {
        return spec.classNames();
    }

    /**
     * Label of sample {@code i}.
     *
     * @param i the sample index, from 0 to {@code size() - 1}
     * @return the class index, from 0 to {@code classNames().size() - 1}
     * @throws IndexOutOfBoundsException if {@code i} is out of range
     */
    public int label(int i) {
        Objects.checkIndex(i, size);
        return Byte.toUnsignedInt(labels[i]);
    }

    /**
     * Class name of sample {@code i}.
     *
     * @param i the sample index, from 0 to {@code size() - 1}
     * @return the name of its label
     * @throws IndexOutOfBoundsException if {@code i} is out of range
     */
    public String className(int i) {
        return spec.classNames().get(label(i));
    }

    /**
     * A copy of the labels of all samples.
     *
     * @return a new array of {@code size()} class indices, in sample order
     */
    public int[] labels() {
        int[] out = new int[size];
        for (int i = 0; i < size; i++) {
            out[i] = Byte.toUnsignedInt(labels[i]);
        }
        return out;
    }

    /**
     * A copy of sample {@code i}'s pixels, row-major, unsigned bytes.
     *
     * @param i the sample index, from 0 to {@code size() - 1}
     * @return a new array of {@code rows() * cols()} bytes (read with {@code & 0xFF})
     * @throws IndexOutOfBoundsException if {@code i} is out of range
     */
    public byte[] rawImage(int i) {
        Objects.checkIndex(i, size);
        byte[] out = new byte[rows * cols];
        System.arraycopy(pixels, i * rows * cols, out, 0, out.length);
        return out;
    }

    /**
     * Sample {@code i} as a {@code [1, 1, rows, cols]} tensor with pixels scaled to [0, 1].
     *
     * @param i the sample index, from 0 to {@code size() - 1}
     * @return a new float32 tensor of {@code v / 255}
     */
    public Tensor image(int i) {
        return image(i, new Resizer(rows, cols, rows, cols, ResizeMode.PIL));
    }

    /**
     * Sample {@code i} resized by {@code resizer} (which must take {@code rows x cols}), as {@code [1, 1, H, W]}.
     *
     * @param i       the sample index, from 0 to {@code size() - 1}
     * @param resizer a resizer from {@code rows() x cols()} to the wanted {@code H x W}
     * @return a new float32 tensor with values in [0, 1]
     * @throws IndexOutOfBoundsException if {@code i} is out of range
     * @throws IllegalArgumentException  if {@code resizer} takes another input size
     */
    public Tensor image(int i, Resizer resizer) {
        Objects.checkIndex(i, size);
        checkResizer(resizer);
        float[] out = new float[resizer.outSize()];
        resizer.resize(pixels, i * rows * cols, out, 0);
        return Tensor.wrap(Shape.of(1, 1, resizer.outRows(), resizer.outCols()), out);
    }

    /**
     * Sample {@code i} resized to {@code size x size} like d2l's pipeline, as {@code [1, 1, size, size]}.
     *
     * @param i         the sample index, from 0 to {@code size() - 1}
     * @param imageSize the output height and width in pixels, at least 1
     * @return a new float32 tensor with values in [0, 1] (PIL bilinear resize, then {@code v / 255})
     */
    public Tensor image(int i, int imageSize) {
        return image(i, new Resizer(rows, cols, imageSize, imageSize, ResizeMode.PIL));
    }

    /** Checks that {@code resizer} takes images of this data set's size. */
    void checkResizer(Resizer resizer) {
        if (resizer.inRows() != rows || resizer.inCols() != cols) {
            throw new IllegalArgumentException("resizer takes " + resizer.inRows() + "x" + resizer.inCols()
                    + " images but " + this + " has " + rows + "x" + cols);
        }
    }

    /** The pixel array shared by all samples (package use: batching without copies). */
    byte[] pixelArray() {
        return pixels;
    }

    @Override
    public String toString() {
        return spec.displayName() + " " + split.name().toLowerCase(java.util.Locale.ROOT) + " (" + size + " images of "
                + rows + "x" + cols + ")";
    }
}
