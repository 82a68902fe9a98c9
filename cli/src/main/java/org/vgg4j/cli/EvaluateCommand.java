package org.vgg4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.vgg4j.core.config.DataConfig;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.core.spi.Task;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.train.BatchSource;
import org.vgg4j.core.train.Evaluation;
import org.vgg4j.core.train.Evaluator;
import org.vgg4j.datasets.DataLoader;
import org.vgg4j.datasets.DatasetSpec;
import org.vgg4j.datasets.FolderLoader;
import org.vgg4j.datasets.FolderSplits;
import org.vgg4j.datasets.ImageDataset;
import org.vgg4j.datasets.Split;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code vgg4j evaluate}: a checkpoint's (or an exported ONNX model's) accuracy, loss, per-class accuracy and confusion matrix on the test set.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Evaluate a checkpoint on the test set: accuracy, per-class accuracy, confusion matrix.")
public final class EvaluateCommand implements Callable<Integer> {
    /** Exactly one model source. */
    static final class ModelSource {
        @Option(names = "--checkpoint", required = true, description = "checkpoint .json, weights file or run directory")
        Path checkpoint;
        @Option(names = "--state-dict", required = true, paramLabel = "FILE.safetensors", description = "a bare "
                + "state_dict (e.g. torch's, saved by safetensors.torch.save_file) for the network the model options "
                + "describe; evaluated on --dataset (default: fashion-mnist)")
        Path stateDict;
        @Option(names = "--onnx", required = true, paramLabel = "FILE.onnx", description = "an exported ONNX model "
                + "(float32 or --int8; runs on ONNX Runtime unless --backend names another), evaluated on --dataset "
                + "(default: fashion-mnist) at the model's input size")
        Path onnx;
    }

    @picocli.CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    ModelSource source;
    @Mixin
    ModelOptions modelOptions;
    @Mixin
    BackendOptions engine;
    @Mixin
    DataOptions data;
    @Mixin
    NormalizeOptions normalize;
    @Option(names = "--batch-size", defaultValue = "64", description = "images per batch, 1 to 65536 (default: ${DEFAULT-VALUE})")
    int batchSize;
    @Option(names = "--test-limit", description = "use only the first N test images, 1 to the test set's size (default: all)")
    Integer testLimit;
    @Spec
    CommandSpec spec;
    /** The class names of the image folder evaluated on, once {@link #folderTest} has opened it. */
    private List<String> folderClasses = List.of();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        OptionChecks.inRange("--batch-size", batchSize, 1, TrainCommand.MAX_BATCH);
        OptionChecks.limit("--test-limit", testLimit);
        ModelOptions.onlyWithStateDict(spec, source.stateDict != null);
        if (source.onnx != null) {
            return evaluateOnnx(out);
        }
        Path checkpoint = source.stateDict != null ? source.stateDict : source.checkpoint;
        if (source.stateDict != null && !DataOptions.isFolder(data.dataset)) {
            greyDataset(modelOptions.config().inChannels(), data.spec()); // before the file is read
        }
        TrainedModel model = source.stateDict != null
                ? TrainedModel.fromStateDict(source.stateDict, modelOptions.config())
                : TrainedModel.load(checkpoint);
        normalize.forChannels(model.config().inChannels()); // a wrong --mean/--std fails before any data is read
        Backend backend = engine.choose(Task.INFERENCE).backend();
        // The data set the model was trained on, unless --dataset says otherwise.
        boolean givenDataset = spec.commandLine().getParseResult().hasMatchedOption("--dataset");
        DataConfig trained = model.checkpoint().config().data();
        if (givenDataset ? DataOptions.isFolder(data.dataset) : trained.fromFolder()) {
            BatchSource folder = folderTest(model, trained);
            // A bare state dict has no class names of its own: the folder's name its classes.
            return evaluate(out, source.stateDict != null ? model.withClassNames(folderClasses) : model, backend,
                    folder);
        }
        DatasetSpec dataset = givenDataset ? data.spec() : DataOptions.spec(trained.dataset());
        if (dataset.classNames().size() != model.network().numClasses()) {
            throw new UsageException("--dataset " + dataset.name() + " has " + dataset.classNames().size()
                    + " classes, but the model of " + checkpoint + " has " + model.network().numClasses());
        }
        greyDataset(model.config().inChannels(), dataset);
        ImageDataset testSet = ImageDataset.load(data.locate(dataset), Split.TEST);
        OptionChecks.limit("--test-limit", testLimit, testSet.size(), "the test images of " + dataset.name());
        DataLoader test = DataLoader.builder(testSet).batchSize(batchSize).imageSize(model.config().imageSize())
                .shuffle(false).limit(testLimit == null ? -1 : testLimit).build();
        // A bare state dict has no class names of its own: the data set's name its classes.
        return evaluate(out, source.stateDict != null ? model.withClassNames(dataset.classNames()) : model, backend,
                test);
    }

    /**
     * The test part of an image folder: {@code --data-dir} if given (with this command's folder options), else the
     * folder the model was trained on (with its options and split); its classes must be the model's.
     */
    private BatchSource folderTest(TrainedModel model, DataConfig trained) {
        long seed = model.checkpoint().config().training().seed();
        DataConfig config;
        if (data.dataDir != null) {
            config = data.folderConfig(null, testLimit, seed);
        } else if (trained.fromFolder()) {
            config = trained;
        } else {
            throw new UsageException("--dataset folder needs --data-dir DIR, the folder of your images");
        }
        FolderSplits splits = data.splits(config, seed);
        List<String> classes = splits.test().classNames();
        folderClasses = classes;
        if (classes.size() != model.network().numClasses()
                || trained.fromFolder() && !classes.equals(trained.classNames())) {
            throw new UsageException("the image folder " + config.folder() + " has classes " + classes
                    + ", but the model of " + model.source() + " was trained on " + model.classNames());
        }
        OptionChecks.limit("--test-limit", testLimit, splits.test().size(), "the test images of "
                + splits.test().root());
        return FolderLoader.builder(splits.test()).batchSize(batchSize).imageSize(model.config().imageSize())
                .channels(model.config().inChannels()).shuffle(false).limit(testLimit == null ? -1 : testLimit)
                .build();
    }

    /**
     * {@code --onnx}: the model's own network and class names; the test images of {@code --dataset} (an IDX data set,
     * or {@code folder} with {@code --data-dir}) at the model's input size.
     */
    private int evaluateOnnx(PrintWriter out) {
        long t0 = System.nanoTime();
        OpenedModel model = OpenedModel.open(source.onnx, true, engine);
        try (Session session = model.session()) {
            var network = session.network();
            int channels = network.sampleShape().dim(0);
            int size = network.sampleShape().dim(1);
            normalize.forChannels(channels);
            BatchSource test;
            if (DataOptions.isFolder(data.dataset)) {
                FolderSplits splits = data.splits(data.folderConfig(null, testLimit, 0), 0);
                if (splits.test().classNames().size() != network.numClasses()) {
                    throw new UsageException("the image folder " + data.dataDir + " has classes "
                            + splits.test().classNames() + ", but " + source.onnx + " has " + network.numClasses()
                            + " outputs");
                }
                OptionChecks.limit("--test-limit", testLimit, splits.test().size(), "the test images of "
                        + splits.test().root());
                test = FolderLoader.builder(splits.test()).batchSize(batchSize).imageSize(size).channels(channels)
                        .shuffle(false).limit(testLimit == null ? -1 : testLimit).build();
            } else {
                DatasetSpec dataset = data.spec();
                if (dataset.classNames().size() != network.numClasses()) {
                    throw new UsageException("--dataset " + dataset.name() + " has " + dataset.classNames().size()
                            + " classes, but " + source.onnx + " has " + network.numClasses() + " outputs");
                }
                greyDataset(channels, dataset);
                ImageDataset testSet = ImageDataset.load(data.locate(dataset), Split.TEST);
                OptionChecks.limit("--test-limit", testLimit, testSet.size(), "the test images of "
                        + dataset.name());
                test = DataLoader.builder(testSet).batchSize(batchSize).imageSize(size).shuffle(false)
                        .limit(testLimit == null ? -1 : testLimit).build();
            }
            Evaluation eval = Evaluator.evaluate(session, normalize.forChannels(channels).wrap(test));
            return report(out, network.name() + " (" + source.onnx + ")", model.backend(), model.classNames(), eval,
                    (System.nanoTime() - t0) / 1e9);
        }
    }

    private int evaluate(PrintWriter out, TrainedModel model, Backend backend, BatchSource test) {
        long t0 = System.nanoTime();
        Evaluation eval;
        try (Session session = backend.open(model.network(), model.parameters(), engine.device())) {
            eval = Evaluator.evaluate(session, normalize.forChannels(model.config().inChannels()).wrap(test));
        }
        return report(out, model.network().name(), backend.name(), model.classNames(), eval,
                (System.nanoTime() - t0) / 1e9);
    }

    private static int report(PrintWriter out, String what, String backend, List<String> names, Evaluation eval,
            double secs) {
        out.printf(Locale.ROOT, "%s on %d test images (backend %s, %.1f s, %.0f images/s)%n", what,
                eval.count(), backend, secs, eval.count() / secs);
        out.printf(Locale.ROOT, "accuracy %.4f, loss %.4f%n%n", eval.accuracy(), eval.loss());
        out.printf(Locale.ROOT, "%-14s %9s%n", "class", "accuracy");
        for (int c = 0; c < names.size(); c++) {
            out.printf(Locale.ROOT, "%-14s %9.4f%n", names.get(c), eval.classAccuracy(c));
        }
        out.println();
        out.println("confusion matrix (rows: true class, columns: predicted)");
        out.printf(Locale.ROOT, "%-14s", "");
        for (int c = 0; c < names.size(); c++) {
            out.printf(Locale.ROOT, "%6d", c);
        }
        out.println();
        for (int r = 0; r < names.size(); r++) {
            out.printf(Locale.ROOT, "%-14s", r + " " + abbreviate(names.get(r)));
            for (int c = 0; c < names.size(); c++) {
                out.printf(Locale.ROOT, "%6d", eval.confusion()[r][c]);
            }
            out.println();
        }
        return 0;
    }

    /** The IDX data sets are greyscale: a model of other than 1 input channel cannot be evaluated on them. */
    private static void greyDataset(int inChannels, DatasetSpec dataset) {
        if (inChannels != 1) {
            throw new UsageException("--in-channels " + inChannels + " does not match --dataset " + dataset.name()
                    + ", whose images have 1 channel");
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 11 ? s.substring(0, 11) : s;
    }
}
