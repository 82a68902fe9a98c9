package org.vgg4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.vgg4j.backend.onnx.OnnxBackend;
import org.vgg4j.backend.onnx.OnnxModelInfo;
import org.vgg4j.backend.onnx.OnnxSession;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.config.RunConfig;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.train.CheckpointStore;
import org.vgg4j.core.train.Evaluator;
import org.vgg4j.datasets.ImageDataset;
import org.vgg4j.datasets.ImageFolder;
import org.vgg4j.datasets.Split;
import org.vgg4j.datasets.image.DecodedImage;
import org.vgg4j.datasets.image.ImageDecodeException;
import org.vgg4j.datasets.image.ImageDecoder;
import org.vgg4j.datasets.image.PixelFormat;
import org.vgg4j.models.vgg.VggConfig;
import org.vgg4j.onnx.OnnxFormatException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vgg4j predict}: the top-k classes with probabilities for image files (PNG, JPEG, GIF or BMP, decoded exactly as
 * PIL's {@code convert('L')} by {@link ImageDecoder} and resized like the training data) or test-set images by index,
 * from a checkpoint or an exported ONNX model.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Classify images (PNG, JPEG, GIF or BMP files, or test-set indices) with a checkpoint or an ONNX model.")
public final class PredictCommand implements Callable<Integer> {

    /** Exactly one model source. */
    static final class ModelSource {
        @Option(names = "--checkpoint", required = true, description = "checkpoint .json, weights file or run directory")
        Path checkpoint;
        @Option(names = "--onnx", required = true, description = "an ONNX model exported by vgg4j or by torch.onnx from a torchvision VGG (runs on ONNX Runtime)")
        Path onnx;
        @Option(names = "--state-dict", required = true, paramLabel = "FILE.safetensors", description = "a bare "
                + "state_dict (e.g. torch's, saved by safetensors.torch.save_file) for the network the model options "
                + "describe (--model, --layout, --ratio, --in-channels, --image-size, --classes ...)")
        Path stateDict;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    ModelSource source;
    @Parameters(paramLabel = "IMAGE", arity = "0..*", description = "PNG, JPEG, GIF or BMP files")
    List<Path> images = new ArrayList<>();
    @Option(names = "--index", split = ",", description = "test-set image indices, e.g. --index 0,1,2")
    List<Integer> indices = new ArrayList<>();
    @Option(names = "--top-k", defaultValue = "3", description = "classes to show per image, 1 to the model's classes (default: ${DEFAULT-VALUE})")
    int topK;
    @Option(names = "--invert", description = "invert image files (Fashion-MNIST is light on dark; photos are usually dark on light)")
    boolean invert;
    @Option(names = "--max-pixels", paramLabel = "N", description = "refuse image files declaring more than N pixels "
            + "(width x height) before decoding them (default: 67108864 = 64 megapixels)")
    long maxPixels = ImageDecoder.DEFAULT_MAX_PIXELS;
    @Mixin
    NormalizeOptions normalize;
    @Mixin
    ModelOptions modelOptions;
    @Mixin
    BackendOptions engine;
    @Mixin
    DataOptions data;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        OptionChecks.inRange("--top-k", topK, 1, ModelOptions.MAX_CLASSES);
        ModelOptions.onlyWithStateDict(spec, source.stateDict != null);
        VggConfig stateDictConfig = source.stateDict == null ? null : modelOptions.config();
        if (images.isEmpty() && indices.isEmpty()) {
            throw new IllegalArgumentException("give image files or --index N,... of test-set images");
        }
        if (maxPixels < 1 || maxPixels > ImageDecoder.HIGHEST_MAX_PIXELS) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "--max-pixels must be >= 1 and at most %,d"
                    + " (what one Java array holds), got %d", ImageDecoder.HIGHEST_MAX_PIXELS, maxPixels));
        }
        ImageDecoder decoder = ImageDecoder.create().withMaxPixels(maxPixels)
                .withLimitHint("raise it with --max-pixels N");
        for (Path file : images) {
            // Missing, unreadable, non-image and too large files fail here, before the model is loaded.
            usageErrorIfDirectory(() -> decoder.readHeader(file));
        }
        OpenedModel model = source.onnx != null ? OpenedModel.open(source.onnx, true, engine)
                : source.stateDict != null
                        ? OpenedModel.open(TrainedModel.fromStateDict(source.stateDict, stateDictConfig), engine)
                        : OpenedModel.open(source.checkpoint, false, engine);
        Session session = model.session();
        List<String> classNames = model.classNames();
        Shape sampleShape = session.network().sampleShape();
        if (sampleShape.rank() != 3 || sampleShape.dim(1) != sampleShape.dim(2)) {
            OnnxModelInfo info = session instanceof OnnxSession onnx ? onnx.info() : null; // read while it is open
            session.close();
            if (info != null) {
                throw new OnnxFormatException(model.source() + ": input '" + info.inputName() + "' has shape ["
                        + info.batchDimension() + ", " + sampleShape.toString().substring(1) + "; predict feeds "
                        + "square images, expected [N, channels, size, size]");
            }
            throw new IllegalArgumentException(model.source() + ": the model takes samples of shape " + sampleShape
                    + "; predict feeds square images, expected [channels, size, size]");
        }
        int channels = sampleShape.dim(0);
        int size = sampleShape.dim(1);
        try (session) {
            Normalization normalization = normalize.forChannels(channels);
            if (topK > classNames.size()) {
                OptionChecks.inRange("--top-k", topK, 1, classNames.size(), "the model's classes");
            }
            // Grey for 1-channel models; RGB for 3-channel ones; then --mean/--std, if given.
            PixelFormat pixels = PixelFormat.forChannels(channels);
            ImageFolder folderTest = indices.isEmpty() ? null : folderTestSet();
            if (pixels != PixelFormat.GREY && !indices.isEmpty() && folderTest == null) {
                throw new IllegalArgumentException("--index reads the greyscale test set; this model takes "
                        + channels + " channels");
            }
            List<String> labels = new ArrayList<>();
            List<Tensor> inputs = new ArrayList<>();
            for (Path file : images) {
                inputs.add(imageInput(decoder, file, pixels, size, invert));
                labels.add(file.toString());
            }
            if (folderTest != null) {
                for (int i : indices) {
                    if (i < 0 || i >= folderTest.size()) {
                        throw new IllegalArgumentException("--index " + i + " is outside the test images of "
                                + folderTest.root() + " [0, " + folderTest.size() + ")");
                    }
                    inputs.add(folderTest.decode(i, pixels).resized(size, size).toTensor());
                    labels.add("test[" + i + "] " + folderTest.path(i).getFileName() + " (true: "
                            + folderTest.classNames().get(folderTest.label(i)) + ")");
                }
            } else if (!indices.isEmpty()) {
                ImageDataset test = ImageDataset.load(data.locate(), Split.TEST);
                for (int i : indices) {
                    if (i < 0 || i >= test.size()) {
                        throw new IllegalArgumentException("--index " + i + " is outside the test set [0, "
                                + test.size() + ")");
                    }
                    inputs.add(test.image(i, size));
                    labels.add("test[" + i + "] (true: " + test.className(i) + ")");
                }
            }
            int sample = channels * size * size;
            float[] batch = new float[inputs.size() * sample];
            for (int i = 0; i < inputs.size(); i++) {
                inputs.get(i).copyTo(batch, i * sample);
            }
            Tensor logits = session.predict(normalization.apply(
                    Tensor.wrap(Shape.of(inputs.size(), channels, size, size), batch)));
            int classes = logits.shape().dim(1);
            for (int i = 0; i < inputs.size(); i++) {
                double[] p = Evaluator.softmax(logits, i, classes);
                StringBuilder sb = new StringBuilder(labels.get(i)).append(':');
                IntStream.range(0, classes).boxed().sorted(Comparator.comparingDouble(c -> -p[c]))
                        .limit(topK).forEach(c -> sb.append(String.format(Locale.ROOT, "  %s %.4f",
                                c < classNames.size() ? classNames.get(c) : Integer.toString(c), p[c])));
                out.println(sb);
            }
        }
        return 0;
    }

    /**
     * The test images {@code --index} picks from when the checkpoint was trained on an image folder (and
     * {@code --dataset} does not name a built-in data set): that folder's test part, split as in training; else null.
     */
    private ImageFolder folderTestSet() {
        if (source.checkpoint == null || spec.commandLine().getParseResult().hasMatchedOption("--dataset")
                && !DataOptions.isFolder(data.dataset)) {
            return null;
        }
        RunConfig config = CheckpointStore.readManifest(CheckpointStore.resolveManifest(source.checkpoint)).config();
        if (!config.data().fromFolder()) {
            return null;
        }
        return data.splits(config.data(), config.training().seed()).test();
    }

    /**
     * The network input for an image file: decoded to {@code pixels} samples (exactly PIL's {@code convert}),
     * optionally inverted, resized to {@code size x size} with PIL's bilinear filter and scaled to [0, 1]: the same
     * pixels {@link ImageDataset#image} gives for the same picture. A directory is a usage mistake (exit 2).
     */
    static Tensor imageInput(ImageDecoder decoder, Path file, PixelFormat pixels, int size, boolean invert) {
        DecodedImage image = usageErrorIfDirectory(() -> decoder.decode(file, pixels));
        return (invert ? image.inverted() : image).resized(size, size).toTensor();
    }

    /** Runs {@code read}; an image path that is a directory is a usage mistake (exit 2), not a failure. */
    private static <T> T usageErrorIfDirectory(Supplier<T> read) {
        try {
            return read.get();
        } catch (ImageDecodeException e) {
            if (e.reason() == ImageDecodeException.Reason.DIRECTORY) {
                throw new UsageException(e.getMessage() + "; give image files (PNG, JPEG, GIF or BMP)");
            }
            throw e;
        }
    }
}
