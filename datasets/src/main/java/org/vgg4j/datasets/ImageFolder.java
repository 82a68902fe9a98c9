package org.vgg4j.datasets;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vgg4j.datasets.image.DecodedImage;
import org.vgg4j.datasets.image.ImageDecodeException;
import org.vgg4j.datasets.image.ImageDecoder;
import org.vgg4j.datasets.image.PixelFormat;

/**
 * A data set of image files laid out as torchvision's {@code ImageFolder} expects: {@code root/<class>/<image>}, one
 * folder per class, the classes sorted by folder name in code-point order (Python's {@code sorted()}), label = index
 * in that order, and the images of a class sorted by file name. Only files directly inside a class folder whose names
 * end in {@code .png}, {@code .jpg}, {@code .jpeg}, {@code .bmp} or {@code .gif} (any case) count; other files and
 * deeper folders are ignored. Holds only the paths and labels: pixels are decoded when a sample is asked for
 * ({@link FolderLoader} does it on its background thread), so a folder need not fit in the heap. Immutable and
 * thread-safe.
 *
 * <p>Scanning checks each image's header (a cheap read of its first bytes), so a file that is not an image, is
 * unreadable or declares too many pixels is found before training starts. With {@link Options#skipBadImages()} each
 * image is fully decoded once while scanning and the bad ones are left out and counted ({@link #skipped()}); without
 * it the first bad image stops the scan, and an image whose header is sound but whose data is corrupt stops loading
 * when its batch is made, naming the file.
 */
public final class ImageFolder {
    private static final Logger LOG = LoggerFactory.getLogger(ImageFolder.class);

    /** The file name extensions read (compared in lower case). */
    public static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");

    /** Python's {@code sorted()} order on strings: by Unicode code point (not by UTF-16 unit, as String's is). */
    static final Comparator<String> CODE_POINT_ORDER = (a, b) -> Arrays.compare(a.codePoints().toArray(),
            b.codePoints().toArray());

    /**
     * How strict the scan is.
     *
     * @param allowEmptyClasses a class folder without images is kept as a class with no samples (else an error)
     * @param skipBadImages     images that do not decode are left out and counted (else the first one is an error)
     */
    public record Options(boolean allowEmptyClasses, boolean skipBadImages) {
        /** Strict: empty class folders and bad images are errors. */
        public static final Options STRICT = new Options(false, false);
    }

    private final Path root;
    private final List<String> classNames;
    private final List<Path> files;
    private final int[] labels;
    private final int skipped;
    private final ImageDecoder decoder;

    private ImageFolder(Path root, List<String> classNames, List<Path> files, int[] labels, int skipped,
            ImageDecoder decoder) {
        this.root = root;
        this.classNames = List.copyOf(classNames);
        this.files = List.copyOf(files);
        this.labels = labels;
        this.skipped = skipped;
        this.decoder = decoder;
    }

    /**
     * Scans {@code root} with the default {@link ImageDecoder}.
     *
     * @param root    the folder holding one sub-folder per class
     * @param options how strict the scan is, e.g. {@link Options#STRICT}
     * @return the scanned folder: its classes, and the paths and labels of its images
     * @throws DataFormatException  when {@code root} has no class folder, a class folder has no image (unless
     *                              allowed), or no image at all is left
     * @throws DataNotFoundException when {@code root} is not a readable directory
     * @throws ImageDecodeException when an image is bad (unless {@link Options#skipBadImages()})
     */
    public static ImageFolder scan(Path root, Options options) {
        return scan(root, options, ImageDecoder.create());
    }

    /**
     * {@link #scan(Path, Options)} with {@code decoder} (e.g. one with another pixel limit).
     *
     * @param root    the folder holding one sub-folder per class; not null
     * @param options how strict the scan is; not null
     * @param decoder the decoder that checks images while scanning and decodes them later; not null
     * @return the scanned folder: its classes, and the paths and labels of its images
     */
    public static ImageFolder scan(Path root, Options options, ImageDecoder decoder) {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(decoder, "decoder");
        long t0 = System.nanoTime();
        if (!Files.isDirectory(root)) {
            throw new DataNotFoundException("image folder " + root + " is not a directory"
                    + (Files.exists(root) ? "" : " (it does not exist)"));
        }
        List<String> classNames = new ArrayList<>();
        for (Path p : list(root)) {
            if (Files.isDirectory(p)) {
                classNames.add(p.getFileName().toString());
            }
        }
        classNames.sort(CODE_POINT_ORDER);
        if (classNames.isEmpty()) {
            throw new DataFormatException("image folder " + root + " has no class folders: expected "
                    + root + "/<class>/<image>.png (or .jpg, .jpeg, .bmp, .gif)");
        }
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        int skipped = 0;
        for (int c = 0; c < classNames.size(); c++) {
            Path dir = root.resolve(classNames.get(c));
            List<String> names = new ArrayList<>();
            for (Path p : list(dir)) {
                String name = p.getFileName().toString();
                if (isImageName(name) && !Files.isDirectory(p)) {
                    names.add(name);
                }
            }
            names.sort(CODE_POINT_ORDER);
            int kept = 0;
            for (String name : names) {
                Path file = dir.resolve(name);
                if (options.skipBadImages()) {
                    try {
                        decoder.decode(file, PixelFormat.GREY);
                    } catch (ImageDecodeException e) {
                        LOG.warn("skipping bad image: {}", e.getMessage());
                        skipped++;
                        continue;
                    }
                } else {
                    decoder.readHeader(file);
                }
                files.add(file);
                labels.add(c);
                kept++;
            }
            if (kept == 0 && !options.allowEmptyClasses()) {
                throw new DataFormatException("class folder " + dir + " has no images"
                        + (names.isEmpty() ? " (.png, .jpg, .jpeg, .bmp or .gif)"
                                : " left (" + names.size() + " bad, skipped)")
                        + "; remove it or allow empty classes (--allow-empty-classes)");
            }
        }
        if (files.isEmpty()) {
            throw new DataFormatException("image folder " + root + " has no images in its " + classNames.size()
                    + " class folders");
        }
        ImageFolder folder = new ImageFolder(root, classNames, files,
                labels.stream().mapToInt(Integer::intValue).toArray(), skipped, decoder);
        LOG.info("scanned {} images of {} classes in {} in {} ms{}", files.size(), classNames.size(), root,
                (System.nanoTime() - t0) / 1_000_000, skipped > 0 ? " (" + skipped + " bad images skipped)" : "");
        return folder;
    }

    static boolean isImageName(String name) {
        int dot = name.lastIndexOf('.');
        return dot >= 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static List<Path> list(Path dir) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            entries.forEach(out::add);
        } catch (IOException e) {
            throw new DataNotFoundException("cannot list " + dir + ": " + e, e);
        }
        return out;
    }

    /**
     * The samples at {@code indices} (in that order), with the same classes; for splits.
     *
     * @param indices sample indices, each from 0 to {@code size() - 1}; repeats are allowed
     * @return a folder of {@code indices.length} samples, with the same root, classes and decoder, 0 skipped
     * @throws IndexOutOfBoundsException if an index is out of range
     */
    public ImageFolder subset(int[] indices) {
        List<Path> f = new ArrayList<>(indices.length);
        int[] l = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            f.add(path(indices[i]));
            l[i] = labels[indices[i]];
        }
        return new ImageFolder(root, classNames, f, l, 0, decoder);
    }

    /**
     * The folder scanned.
     *
     * @return the root as given to {@link #scan}
     */
    public Path root() {
        return root;
    }

    /**
     * Class name of each label, index = label (folder names in code-point order).
     *
     * @return an unmodifiable list of at least one name
     */
    public List<String> classNames() {
        return classNames;
    }

    /**
     * Number of images.
     *
     * @return the number of samples, at least 1 for a scanned folder
     */
    public int size() {
        return files.size();
    }

    /**
     * The file of sample {@code i}.
     *
     * @param i the sample index, from 0 to {@code size() - 1}
     * @return the image file's path, inside its class folder
     * @throws IndexOutOfBoundsException if {@code i} is out of range
     */
    public Path path(int i) {
        return files.get(i);
    }

    /**
     * Label of sample {@code i}.
     *
     * @param i the sample index, from 0 to {@code size() - 1}
     * @return the class index, from 0 to {@code classNames().size() - 1}
     * @throws IndexOutOfBoundsException if {@code i} is out of range
     */
    public int label(int i) {
        Objects.checkIndex(i, labels.length);
        return labels[i];
    }

    /**
     * A copy of all labels.
     *
     * @return a new array of {@code size()} class indices, in sample order
     */
    public int[] labels() {
        return labels.clone();
    }

    /**
     * How many bad images the scan left out (0 unless {@link Options#skipBadImages()}).
     *
     * @return the number of skipped images, at least 0 (0 for a {@link #subset})
     */
    public int skipped() {
        return skipped;
    }

    /**
     * Sample {@code i} decoded as {@code pixels} (PIL's {@code Image.open(f).convert('L' or 'RGB')}).
     *
     * @param i      the sample index, from 0 to {@code size() - 1}
     * @param pixels grey or RGB
     * @return the decoded image at its own size
     * @throws ImageDecodeException naming the file when it does not decode
     */
    public DecodedImage decode(int i, PixelFormat pixels) {
        return decoder.decode(path(i), pixels);
    }

    @Override
    public String toString() {
        return "image folder " + root + " (" + size() + " images, " + classNames.size() + " classes)";
    }
}
