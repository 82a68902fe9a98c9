package org.vgg4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.optim.Adam;
import org.vgg4j.core.optim.OptimizerSpec;
import org.vgg4j.core.optim.Sgd;
import org.vgg4j.core.optim.SoftmaxCrossEntropy;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Initializer;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.spi.Trainer;
import org.vgg4j.core.train.Checkpoint;
import org.vgg4j.core.train.CheckpointStore;
import org.vgg4j.core.train.EpochMetrics;
import org.vgg4j.core.train.Fit;
import org.vgg4j.core.train.FitConfig;
import org.vgg4j.core.train.FitResult;
import org.vgg4j.core.train.TrainingListener;
import org.vgg4j.core.train.TrainingPosition;
import org.vgg4j.datasets.DataLoader;
import org.vgg4j.datasets.DataLocation;
import org.vgg4j.datasets.ImageDataset;
import org.vgg4j.datasets.Split;
import org.vgg4j.models.vgg.Vgg;
import org.vgg4j.models.vgg.VggConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code vgg4j train}: the d2l VGG chapter's experiment by default (narrow VGG-11, Fashion-MNIST at 224x224, batch 64,
 * Adam 0.001, 5 epochs), with progress, per-epoch checkpoints, metrics CSV, a plot, Ctrl-C that saves, and exact
 * resume.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a VGG on Fashion-MNIST (defaults: the d2l chapter's run).")
public final class TrainCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;
    @Mixin
    BackendOptions engine;
    @Mixin
    DataOptions data;

    @Option(names = "--batch-size", defaultValue = "64", description = "(default: ${DEFAULT-VALUE})")
    int batchSize;
    @Option(names = "--lr", defaultValue = "0.001", description = "learning rate (default: ${DEFAULT-VALUE})")
    double lr;
    @Option(names = "--epochs", defaultValue = "5", description = "total epochs, also of a resumed run (default: ${DEFAULT-VALUE})")
    int epochs;
    @Option(names = "--seed", defaultValue = "42", description = "seed of initialisation, shuffling and dropout (default: ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--init", defaultValue = "torchvision", description = "torchvision (trains reliably) or pytorch (PyTorch's layer defaults) (default: ${DEFAULT-VALUE})")
    String init;
    @Option(names = "--optimizer", defaultValue = "adam", description = "adam or sgd (default: ${DEFAULT-VALUE})")
    String optimizer;
    @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum (default: ${DEFAULT-VALUE})")
    double momentum;
    @Option(names = "--weight-decay", defaultValue = "0", description = "L2 weight decay (default: ${DEFAULT-VALUE})")
    double weightDecay;
    @Option(names = "--train-limit", defaultValue = "-1", description = "use only the first N training images (default: all)")
    int trainLimit;
    @Option(names = "--test-limit", defaultValue = "-1", description = "use only the first N test images (default: all)")
    int testLimit;
    @Option(names = "--output", description = "run directory (default: runs/<model>-<time>)")
    Path output;
    @Option(names = "--resume", description = "continue a run from a checkpoint: its .json, its weights file, or the run directory (newest checkpoint)")
    Path resume;
    @Option(names = "--plateau-steps", defaultValue = "300", description = "warn if the loss is still ln(classes) after this many steps; 0 turns it off (default: ${DEFAULT-VALUE})")
    int plateauSteps;
    @Option(names = "--stop-on-plateau", description = "stop (after saving a checkpoint) instead of only warning")
    boolean stopOnPlateau;
    @Option(names = "--progress", defaultValue = "auto", description = "bar, lines or auto (bar on a terminal) (default: ${DEFAULT-VALUE})")
    String progress;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Checkpoint checkpoint = resume == null ? null : CheckpointStore.load(resume);
        Map<String, String> config = checkpoint == null ? newRunConfig() : checkpoint.config();
        if (checkpoint != null) {
            out.println("resuming from " + resume + " at epoch " + (checkpoint.position().epoch() + 1) + ", batch "
                    + checkpoint.position().batch() + " (hyper-parameters from the checkpoint: " + config + ")");
        }
        VggConfig vgg = ModelOptions.fromMap(config);
        Network network = Vgg.build(vgg);
        if (epochs < 1) {
            throw new IllegalArgumentException("--epochs must be >= 1, got " + epochs);
        }
        Backend backend = engine.backend();
        Device device = engine.device();
        if (!backend.capabilities().training()) {
            throw new UnsupportedOperationException("backend '" + backend.name() + "' cannot train: "
                    + backend.capabilities().limitations() + ". Use --backend pytorch or --backend tensorflow.");
        }
        Path runDir = runDirectory(checkpoint);

        DataLocation location = data.locate();
        out.println("data: " + location);
        ImageDataset trainSet = ImageDataset.load(location, Split.TRAIN);
        ImageDataset testSet = ImageDataset.load(location, Split.TEST);
        if (trainSet.classNames().size() != vgg.classes()) {
            throw new IllegalArgumentException("the model has " + vgg.classes() + " classes but " + data.spec().name()
                    + " has " + trainSet.classNames().size());
        }
        long runSeed = Long.parseLong(config.get("seed"));
        int batch = Integer.parseInt(config.get("batch_size"));
        DataLoader train = DataLoader.builder(trainSet).batchSize(batch).imageSize(vgg.imageSize()).seed(runSeed)
                .limit(Integer.parseInt(config.get("train_limit"))).build();
        DataLoader test = DataLoader.builder(testSet).batchSize(batch).imageSize(vgg.imageSize()).shuffle(false)
                .limit(Integer.parseInt(config.get("test_limit"))).build();

        Parameters params = checkpoint != null ? checkpoint.parameters()
                : Parameters.initialize(network, Initializer.byName(config.get("init")), runSeed);
        List<EpochMetrics> previous = checkpoint == null ? List.of() : checkpoint.history();
        TrainingPosition start = checkpoint == null ? TrainingPosition.startOf(0) : checkpoint.position();
        if (start.epoch() >= epochs) {
            out.println("nothing to do: the checkpoint has already completed " + start.epoch() + " epochs (--epochs "
                    + epochs + ")");
            return 0;
        }

        try (Session session = backend.open(network, params, device)) {
            out.printf(Locale.ROOT, "model %s (%,d parameters), backend %s on %s, %d training and %d test images at "
                    + "%dx%d, batch %d, %s, run directory %s%n", network.name(), network.parameterCount(),
                    backend.name(), session.device(), train.size(), test.size(), vgg.imageSize(), vgg.imageSize(),
                    batch, describeOptimizer(config), runDir);
            try (Trainer trainer = session.trainer(new TrainingSpec(optimizer(config), new SoftmaxCrossEntropy(),
                    runSeed))) {
                if (checkpoint != null) {
                    trainer.restoreOptimizerState(checkpoint.optimizer());
                }
                Map<String, String> recorded = new LinkedHashMap<>(config);
                recorded.put("epochs", Integer.toString(epochs));
                RunRecorder recorder = new RunRecorder(runDir, recorded, backend.name(), session::parameters,
                        trainer::optimizerState, previous, out);
                List<TrainingListener> listeners = new ArrayList<>();
                listeners.add(new ProgressListener(out, epochs, useBar()));
                listeners.add(recorder);
                listeners.add(new TrainingPlot(runDir.resolve("training.png"), previous));
                Fit fit = new Fit(new FitConfig(epochs, plateauSteps, stopOnPlateau), listeners);

                CountDownLatch finished = new CountDownLatch(1);
                Thread hook = new Thread(() -> {
                    fit.requestStop();
                    try {
                        finished.await(5, TimeUnit.MINUTES);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "vgg4j-stop");
                Runtime.getRuntime().addShutdownHook(hook);
                FitResult result;
                try {
                    result = fit.run(session, trainer, train, test, start, previous);
                } finally {
                    finished.countDown();
                }
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // Ctrl-C arrived: the hook is running and the JVM exits once we return.
                }
                List<EpochMetrics> history = result.history();
                EpochMetrics last = history.isEmpty() ? null : history.get(history.size() - 1);
                if (last != null) {
                    out.printf(Locale.ROOT, "test accuracy %.3f after %d epochs; checkpoint %s; metrics %s; plot %s%n",
                            last.testAccuracy(), last.epoch(), recorder.lastCheckpoint(), runDir.resolve("metrics.csv"),
                            runDir.resolve("training.png"));
                }
                return result.finished() ? 0 : Main.EXIT_INTERRUPTED;
            }
        }
    }

    private Map<String, String> newRunConfig() {
        Map<String, String> c = new LinkedHashMap<>(ModelOptions.toMap(model.config()));
        Initializer.byName(init);
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be >= 1, got " + batchSize);
        }
        c.put("dataset", data.spec().name());
        c.put("batch_size", Integer.toString(batchSize));
        c.put("optimizer", optimizer.toLowerCase(Locale.ROOT));
        c.put("lr", Double.toString(lr));
        c.put("momentum", Double.toString(momentum));
        c.put("weight_decay", Double.toString(weightDecay));
        c.put("seed", Long.toString(seed));
        c.put("init", Initializer.byName(init).id());
        c.put("train_limit", Integer.toString(trainLimit));
        c.put("test_limit", Integer.toString(testLimit));
        optimizer(c);
        return c;
    }

    static OptimizerSpec optimizer(Map<String, String> c) {
        double rate = Double.parseDouble(c.get("lr"));
        double decay = Double.parseDouble(c.get("weight_decay"));
        return switch (c.get("optimizer")) {
            case "adam" -> new Adam(rate, 0.9, 0.999, 1e-8, decay);
            case "sgd" -> new Sgd(rate, Double.parseDouble(c.get("momentum")), decay);
            default -> throw new IllegalArgumentException("unknown --optimizer '" + c.get("optimizer")
                    + "': use adam or sgd");
        };
    }

    private static String describeOptimizer(Map<String, String> c) {
        return c.get("optimizer") + " lr " + c.get("lr") + ", init " + c.get("init") + ", seed " + c.get("seed");
    }

    /** Where the run writes; created only when the first file is written, so a failed start leaves nothing. */
    private Path runDirectory(Checkpoint checkpoint) {
        Path dir;
        if (checkpoint != null && output == null) {
            Path manifestDir = Files.isDirectory(resume) ? resume : resume.toAbsolutePath().getParent();
            dir = manifestDir.getFileName().toString().equals("checkpoints") ? manifestDir.getParent() : manifestDir;
        } else if (output != null) {
            dir = output;
        } else {
            dir = Path.of("runs", model.config().variant().id() + "-r" + model.ratio + "-"
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        }
        return dir;
    }

    private boolean useBar() {
        return switch (progress.toLowerCase(Locale.ROOT)) {
            case "bar" -> true;
            case "lines" -> false;
            case "auto" -> System.console() != null;
            default -> throw new IllegalArgumentException("unknown --progress '" + progress + "': use bar, lines or auto");
        };
    }
}
