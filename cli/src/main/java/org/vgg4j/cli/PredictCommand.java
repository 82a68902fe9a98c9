package org.vgg4j.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.vgg4j.backend.onnx.OnnxBackend;
import org.vgg4j.backend.onnx.OnnxFormatException;
import org.vgg4j.backend.onnx.OnnxModelInfo;
import org.vgg4j.backend.onnx.OnnxSession;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.Vgg4jException;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.train.Evaluator;
import org.vgg4j.datasets.ImageDataset;
import org.vgg4j.datasets.ResizeMode;
import org.vgg4j.datasets.Resizer;
import org.vgg4j.datasets.Split;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code vgg4j predict}: the top-k classes with probabilities for image files (PNG/JPEG, converted to greyscale and
 * resized like the training data) or test-set images by index, from a checkpoint or an exported ONNX model.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Classify images (PNG/JPEG files or test-set indices) with a checkpoint or an ONNX model.")
public final class PredictCommand implements Callable<Integer> {

    /** Exactly one model source. */
    static final class ModelSource {
        @Option(names = "--checkpoint", required = true, description = "checkpoint .json, weights file or run directory")
        Path checkpoint;
        @Option(names = "--onnx", required = true, description = "an ONNX model exported by vgg4j (runs on ONNX Runtime)")
        Path onnx;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    ModelSource source;
    @Parameters(paramLabel = "IMAGE", arity = "0..*", description = "PNG or JPEG files")
    List<Path> images = new ArrayList<>();
    @Option(names = "--index", split = ",", description = "test-set image indices, e.g. --index 0,1,2")
    List<Integer> indices = new ArrayList<>();
    @Option(names = "--top-k", defaultValue = "3", description = "classes to show per image (default: ${DEFAULT-VALUE})")
    int topK;
    @Option(names = "--invert", description = "invert image files (Fashion-MNIST is light on dark; photos are usually dark on light)")
    boolean invert;
    @Mixin
    BackendOptions engine;
    @Mixin
    DataOptions data;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (images.isEmpty() && indices.isEmpty()) {
            throw new IllegalArgumentException("give image files or --index N,... of test-set images");
        }
        List<String> classNames;
        int channels;
        int size;
        Session session;
        if (source.onnx != null) {
            OnnxSession onnx = new OnnxBackend().openFile(source.onnx, engine.device());
            OnnxModelInfo info = onnx.info();
            Shape sample = info.sampleShape();
            if (sample.rank() != 3 || sample.dim(1) != sample.dim(2)) {
                onnx.close();
                throw new OnnxFormatException(source.onnx + ": input '" + info.inputName() + "' has shape ["
                        + info.batchDimension() + ", " + sample.toString().substring(1) + "; predict feeds square "
                        + "images, expected [N, channels, size, size]");
            }
            session = onnx;
            classNames = info.classNames();
            channels = sample.dim(0);
            size = sample.dim(1);
        } else {
            TrainedModel model = TrainedModel.load(source.checkpoint);
            classNames = model.classNames();
            channels = model.config().inChannels();
            size = model.config().imageSize();
            session = engine.backend().open(model.network(), model.parameters(), engine.device());
        }
        if (channels != 1) {
            session.close();
            throw new IllegalArgumentException("predict reads greyscale images; this model takes " + channels
                    + " channels");
        }
        try (session) {
            List<String> labels = new ArrayList<>();
            List<Tensor> inputs = new ArrayList<>();
            for (Path file : images) {
                inputs.add(readImage(file, size));
                labels.add(file.toString());
            }
            if (!indices.isEmpty()) {
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
            float[] batch = new float[inputs.size() * size * size];
            for (int i = 0; i < inputs.size(); i++) {
                inputs.get(i).copyTo(batch, i * size * size);
            }
            Tensor logits = session.predict(Tensor.wrap(Shape.of(inputs.size(), 1, size, size), batch));
            int classes = logits.shape().dim(1);
            for (int i = 0; i < inputs.size(); i++) {
                double[] p = Evaluator.softmax(logits, i, classes);
                StringBuilder sb = new StringBuilder(labels.get(i)).append(':');
                IntStream.range(0, classes).boxed().sorted(Comparator.comparingDouble(c -> -p[c]))
                        .limit(Math.max(1, topK)).forEach(c -> sb.append(String.format(Locale.ROOT, "  %s %.4f",
                                c < classNames.size() ? classNames.get(c) : Integer.toString(c), p[c])));
                out.println(sb);
            }
        }
        return 0;
    }

    private Tensor readImage(Path file, int size) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new Vgg4jException("image " + file + " does not exist");
        }
        BufferedImage img = ImageIO.read(file.toFile());
        if (img == null) {
            throw new Vgg4jException("cannot read " + file + ": not a PNG, JPEG, GIF or BMP image");
        }
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
        float[] out = new float[size * size];
        new Resizer(h, w, size, size, ResizeMode.PIL).resize(grey, 0, out, 0);
        return Tensor.wrap(Shape.of(1, 1, size, size), out);
    }
}
