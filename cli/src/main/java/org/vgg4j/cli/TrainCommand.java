package org.vgg4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.UnsupportedLayerException;
import org.vgg4j.core.Vgg4jException;
import org.vgg4j.core.config.ConfigDifference;
import org.vgg4j.core.config.DataConfig;
import org.vgg4j.core.config.EarlyStoppingConfig;
import org.vgg4j.core.config.ModelConfig;
import org.vgg4j.core.config.OptimizerConfig;
import org.vgg4j.core.config.RunConfig;
import org.vgg4j.core.config.ScheduleConfig;
import org.vgg4j.core.config.TrainingConfig;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Initializer;
import org.vgg4j.core.param.ParameterMismatchException;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.param.WeightTransfer;
import org.vgg4j.core.run.RunDirectory;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.core.spi.BackendChoice;
import org.vgg4j.core.spi.Task;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.spi.Trainer;
import org.vgg4j.core.train.BatchSource;
import org.vgg4j.core.train.Checkpoint;
import org.vgg4j.core.train.CheckpointStore;
import org.vgg4j.core.train.EarlyStopping;
import org.vgg4j.core.train.EpochMetrics;
import org.vgg4j.core.train.Fit;
import org.vgg4j.core.train.FitConfig;
import org.vgg4j.core.train.FitResult;
import org.vgg4j.core.train.TrainingListener;
import org.vgg4j.core.train.TrainingPosition;
import org.vgg4j.datasets.DataLoader;
import org.vgg4j.datasets.FolderLoader;
import org.vgg4j.datasets.FolderSplits;
import org.vgg4j.datasets.DataLocation;
import org.vgg4j.datasets.DatasetSpec;
import org.vgg4j.datasets.ImageDataset;
import org.vgg4j.datasets.Split;
import org.vgg4j.datasets.transform.Augmentation;
import org.vgg4j.models.vgg.Vgg;
import org.vgg4j.models.vgg.VggConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code vgg4j train}: the d2l VGG chapter's experiment by default (narrow VGG-11, Fashion-MNIST at 224x224, batch 64,
 * Adam 0.001, 5 epochs), with progress, per-epoch checkpoints, metrics CSV, a plot, Ctrl-C that saves, and exact
 * resume. Everything that can be checked is checked before any data is read: every option's range, a resume's
 * options against its checkpoint, the model against the data set and the heap, the run directory (writable, free
 * space, not in use: see {@link RunDirectory}), the backend, and the device, by opening the session.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a VGG on Fashion-MNIST (defaults: the d2l chapter's run).")
public final class TrainCommand implements Callable<Integer> {
    static final int MAX_BATCH = 65536;
    static final int MAX_EPOCHS = 100000;
    static final double MAX_LR = 10;
    static final int MAX_SCHEDULE_STEPS = 1_000_000_000;
    static final double MAX_CLIP_NORM = 1e6;
    /** Weight decay of {@code --optimizer adamw} without {@code --weight-decay}: PyTorch's AdamW default. */
    static final double ADAMW_WEIGHT_DECAY = 0.01;

    /**
     * The option that sets each field of the run configuration; a resume refuses any of them given with a value other
     * than its checkpoint's, except {@code --epochs}, which is how a resumed run is extended.
     */
    static final Map<String, String> OPTION_OF_FIELD = Map.ofEntries(
            Map.entry("model.family", "--model"),
            Map.entry("model.variant", "--model"),
            Map.entry("model.ratio", "--ratio"),
            Map.entry("model.imageSize", "--image-size"),
            Map.entry("model.hiddenUnits", "--hidden"),
            Map.entry("model.dropout", "--dropout"),
            Map.entry("model.inChannels", "--in-channels"),
            Map.entry("model.classes", "--classes"),
            Map.entry("model.batchNorm", "--model"),
            Map.entry("model.layout", "--layout"),
            Map.entry("data.dataset", "--dataset"),
            Map.entry("data.trainLimit", "--train-limit"),
            Map.entry("data.testLimit", "--test-limit"),
            Map.entry("data.folder", "--data-dir"),
            Map.entry("data.valSplit", "--val-split"),
            Map.entry("data.allowEmptyClasses", "--allow-empty-classes"),
            Map.entry("data.skipBadImages", "--skip-bad-images"),
            Map.entry("data.classNames", "--data-dir"),
            Map.entry("data.augment", "--augment"),
            Map.entry("data.cropPadding", "--crop-padding"),
            Map.entry("optimizer.name", "--optimizer"),
            Map.entry("optimizer.learningRate", "--lr"),
            Map.entry("optimizer.momentum", "--momentum"),
            Map.entry("optimizer.weightDecay", "--weight-decay"),
            Map.entry("optimizer.nesterov", "--nesterov"),
            Map.entry("optimizer.clipNorm", "--clip-norm"),
            Map.entry("optimizer.headLearningRate", "--head-lr"),
            Map.entry("optimizer.schedule.name", "--schedule"),
            Map.entry("optimizer.schedule.warmupSteps", "--warmup-steps"),
            Map.entry("optimizer.schedule.stepSize", "--step-size"),
            Map.entry("optimizer.schedule.gamma", "--gamma"),
            Map.entry("optimizer.schedule.minLr", "--min-lr"),
            Map.entry("training.labelSmoothing", "--label-smoothing"),
            Map.entry("training.batchSize", "--batch-size"),
            Map.entry("training.epochs", "--epochs"),
            Map.entry("training.seed", "--seed"),
            Map.entry("training.init", "--init"),
            Map.entry("training.earlyStopping.patience", "--early-stop-patience"),
            Map.entry("training.earlyStopping.metric", "--early-stop-metric"),
            Map.entry("training.earlyStopping.minDelta", "--early-stop-min-delta"),
            Map.entry("training.initFrom", "--init-from"),
            Map.entry("training.initFromSha256", "--init-from"),
            Map.entry("training.freeze", "--freeze"));

    /** Options a resume may change (the others must match the checkpoint): the length of the run and when to stop. */
    static final List<String> RESUME_MAY_CHANGE = List.of("--epochs", "--early-stop-patience", "--early-stop-metric",
            "--early-stop-min-delta");

    @Mixin
    ModelOptions model;
    @Mixin
    BackendOptions engine;
    @Mixin
    DataOptions data;

    @Option(names = "--batch-size", defaultValue = "64", description = "images per step, 1 to 65536 (default: ${DEFAULT-VALUE})")
    int batchSize;
    @Option(names = "--lr", defaultValue = "0.001", description = "learning rate, > 0 and <= 10 (default: ${DEFAULT-VALUE})")
    double lr;
    @Option(names = "--epochs", defaultValue = "5", description = "total epochs, 1 to 100000; a resumed run continues up to it (default: ${DEFAULT-VALUE}; when resuming: the checkpoint's)")
    int epochs;
    @Option(names = "--seed", defaultValue = "42", description = "seed of initialisation, shuffling and dropout, any 64-bit integer (default: ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--init", defaultValue = "torchvision", description = "torchvision (trains reliably) or pytorch (PyTorch's layer defaults) (default: ${DEFAULT-VALUE})")
    String init;
    @Option(names = "--optimizer", defaultValue = "adam", description = "adam, adamw (decoupled weight decay) or sgd (default: ${DEFAULT-VALUE})")
    String optimizer;
    @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum, >= 0 and < 1 (default: ${DEFAULT-VALUE})")
    double momentum;
    @Option(names = "--nesterov", description = "Nesterov momentum (--optimizer sgd with --momentum > 0)")
    boolean nesterov;
    @Option(names = "--weight-decay", description = "weight decay, 0 to 1: L2 for adam and sgd, decoupled for adamw (default: 0; adamw: 0.01)")
    Double weightDecay;
    @Option(names = "--schedule", defaultValue = "constant", description = "learning-rate schedule: constant, step, cosine (linear warm-up, then cosine to --min-lr at the end of the run) or onecycle (PyTorch's OneCycleLR over the run) (default: ${DEFAULT-VALUE})")
    String schedule;
    @Option(names = "--warmup-steps", defaultValue = "0", description = "cosine: steps of linear warm-up, 0 to the run's steps (default: ${DEFAULT-VALUE})")
    int warmupSteps;
    @Option(names = "--step-size", defaultValue = "1000", description = "step: steps between two decays, 1 to 1000000000 (default: ${DEFAULT-VALUE})")
    int stepSize;
    @Option(names = "--gamma", defaultValue = "0.1", description = "step: factor of each decay, > 0 and <= 1 (default: ${DEFAULT-VALUE})")
    double gamma;
    @Option(names = "--min-lr", defaultValue = "0", description = "cosine: learning rate at the end of the run, 0 to --lr (default: ${DEFAULT-VALUE})")
    double minLr;
    @Option(names = "--clip-norm", defaultValue = "0", description = "clip the gradients to this global L2 norm (PyTorch's clip_grad_norm_), 0 to 1000000; 0 turns it off (default: ${DEFAULT-VALUE})")
    double clipNorm;
    @Option(names = "--head-lr", description = "learning rate of the classifier head (the last linear layer, which --init-from with --classes replaces) as a parameter group of its own, > 0 and <= 10; the schedule scales it like --lr (default: --lr)")
    Double headLr;
    @Option(names = "--label-smoothing", defaultValue = "0", description = "label smoothing of the cross-entropy, >= 0 and < 1 (default: ${DEFAULT-VALUE})")
    double labelSmoothing;
    @Option(names = "--train-limit", description = "use only the first N training images, 1 to the training set's size (default: all)")
    Integer trainLimit;
    @Option(names = "--test-limit", description = "use only the first N test images, 1 to the test set's size (default: all)")
    Integer testLimit;
    @Option(names = "--augment", defaultValue = "none", description = "augmentation of the training images (never the test images): none, crop (zero-pad by --crop-padding, random crop back), flip (horizontal, p 0.5), crop,flip, resized-crop (torchvision's RandomResizedCrop) or resized-crop,flip; seeded per (seed, epoch, image), so a resume is exact (default: ${DEFAULT-VALUE})")
    String augment;
    @Option(names = "--crop-padding", defaultValue = "4", description = "with --augment crop: zeros added on each side before the random crop, 0 to the image size (default: ${DEFAULT-VALUE})")
    int cropPadding;
    @Option(names = "--output", description = "run directory (default: runs/<model>-<time>; when resuming: the checkpoint's)")
    Path output;
    @Option(names = "--resume", description = "continue a run from a checkpoint: its .json, its weights file, or the run directory (newest checkpoint)")
    Path resume;
    @Option(names = "--init-from", description = "start a new run (step 0, fresh optimizer state) from the weights of a checkpoint (run directory, .json or .safetensors) or of a bare state_dict .safetensors: every tensor of the same name and shape is loaded; with --classes the head is replaced (initialised by --init and --seed)")
    Path initFrom;
    @Option(names = "--freeze", description = "comma-separated module prefixes of the state_dict names (e.g. features or features,classifier.0) whose parameters get no gradient and no update; batch norm's running statistics still update in train mode, as in PyTorch")
    String freeze;
    @Option(names = "--plateau-steps", defaultValue = "300", description = "warn if the loss is still ln(classes) after this many steps, 0 to 1000000000; 0 turns it off (default: ${DEFAULT-VALUE})")
    int plateauSteps;
    @Option(names = "--stop-on-plateau", description = "stop (after saving a checkpoint) instead of only warning")
    boolean stopOnPlateau;
    @Option(names = "--early-stop-patience", defaultValue = "0", description = "stop when the test (or --val-split) metric has not improved for N epochs in a row, keeping the best epoch's checkpoint as checkpoints/best.*; 0 to 100000, 0 turns it off (default: ${DEFAULT-VALUE})")
    int earlyStopPatience;
    @Option(names = "--early-stop-metric", defaultValue = "val-accuracy", description = "what early stopping watches: val-accuracy (higher is better) or val-loss (lower is better) (default: ${DEFAULT-VALUE})")
    String earlyStopMetric;
    @Option(names = "--early-stop-min-delta", defaultValue = "0", description = "least change of the metric that counts as an improvement, 0 to 1 (default: ${DEFAULT-VALUE})")
    double earlyStopMinDelta;
    @Option(names = "--preset", paramLabel = "NAME", description = "start from a named set of option values (fast: "
            + "vgg11_bn at ratio 4 and 32x32, AdamW one-cycle, label smoothing, crops and flips, 16 epochs: test "
            + "accuracy 0.93 on Fashion-MNIST in under 10 minutes on 2 cores); options given beside it win; not with "
            + "--resume (default: none)")
    String preset;

    @Option(names = "--progress", defaultValue = "auto", description = "bar, lines or auto (bar on a terminal) (default: ${DEFAULT-VALUE})")
    String progress;

    @Spec
    CommandSpec spec;
    @ParentCommand
    Main main;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        // 1. The command line alone: every value in range.
        boolean bar = useBar();
        if (preset != null) {
            TrainPreset chosen = TrainPreset.byName(preset);
            if (resume != null) {
                throw new UsageException("--preset sets a new run's options and --resume continues a run with its "
                        + "checkpoint's: give one of them, not both");
            }
            out.println("preset " + chosen.id() + ": " + chosen.asOptions() + " (options given beside it win)");
        }
        OptionChecks.inRange("--plateau-steps", plateauSteps, 0, 1_000_000_000);
        RunConfig given = givenConfig();
        if (resume != null && initFrom != null) {
            throw new UsageException("--init-from starts a new run from another run's weights and --resume continues "
                    + "a run: give one of them, not both");
        }
        // 2. A resume: its manifest (not yet its tensors) and the options against it; or the source of --init-from
        // (a checkpoint's manifest, a state dict's checksum), whose model the options not given default to.
        Path manifest = null;
        RunConfig config = given;
        InitFromSource source = null;
        if (resume != null) {
            manifest = CheckpointStore.resolveManifest(resume);
            config = reconcile(CheckpointStore.readManifest(manifest).config(), given, manifest);
        } else if (initFrom != null) {
            source = InitFromSource.locate(initFrom);
            config = fineTuning(given, source);
        }
        checkEarlyStopping(config);
        // 3. The model against the data set and the heap; the frozen modules against the model.
        Network network = frozen(ModelOptions.buildable(Vgg.build(vgg(config, manifest))), config);
        DatasetSpec dataset = config.data().fromFolder() ? null : DataOptions.spec(config.data().dataset());
        checkModelFitsData(config, dataset, source != null && !given("--classes")
                ? " (the model of --init-from has " + config.model().classes() + " classes: give --classes N to "
                        + "replace its head)" : "");
        if (!network.frozen().isEmpty()) {
            out.printf(Locale.ROOT, "frozen (--freeze %s): %d tensors, %,d parameters; %d tensors, %,d parameters "
                    + "train%n", String.join(",", config.training().freeze()), network.frozen().size(),
                    network.parameterCount() - network.trainedParameterCount(), network.trainableSpecs().size(),
                    network.trainedParameterCount());
        }
        checkHeadTrains(network, config);
        checkHeap(network, config.optimizer());
        Device device = engine.device();
        // 4. The run directory: writable, room for two checkpoints, locked for this run (before the backend loads
        // its engine, so that a second run into a busy directory fails at once), leftovers removed.
        long perCheckpoint = CheckpointStore.estimatedBytes(network.parameterCount(),
                config.optimizer().stateTensorsPerParameter());
        Path runPath = runDirectory(manifest, config);
        // With early stopping, the best epoch's copy (checkpoints/best.*) may be written after an epoch's checkpoint.
        int checkpointsNeeded = config.training().earlyStopping().enabled() ? 3 : 2;
        try (RunDirectory run = RunDirectory.prepare(runPath, checkpointsNeeded * perCheckpoint, String.format(
                Locale.ROOT, "%d checkpoints of %s (%.1f MB each)", checkpointsNeeded, network.name(),
                perCheckpoint / 1e6),
                main.context.freeSpace())) {
            if (!run.removedLeftovers().isEmpty()) {
                out.println("removed " + run.removedLeftovers().size() + " leftover file(s) of an interrupted run from "
                        + run.path() + ": " + String.join(", ", run.removedLeftovers()));
            }
            Checkpoint checkpoint = null;
            if (resume == null) {
                // A new run would overwrite the checkpoints of the one already there, epoch by epoch.
                CheckpointStore.latest(run.checkpoints()).ifPresent(existing -> {
                    throw new UsageException("run directory " + run.path() + " already holds a run (newest "
                            + "checkpoint " + run.path().relativize(existing) + "): continue it with --resume "
                            + run.path() + ", or write the new run somewhere else");
                });
            } else {
                // Read again now that no other run can write here: the newest checkpoint may have changed.
                manifest = CheckpointStore.resolveManifest(resume);
                checkpoint = CheckpointStore.load(manifest);
                config = reconcile(checkpoint.config(), given, manifest);
                out.println("resuming from " + manifest + " at epoch " + (checkpoint.position().epoch() + 1)
                        + ", batch " + checkpoint.position().batch() + " (configuration from the checkpoint: "
                        + describe(config) + ")");
            }
            TrainingPosition start = checkpoint == null ? TrainingPosition.startOf(0) : checkpoint.position();
            int totalEpochs = config.training().epochs();
            if (start.epoch() >= totalEpochs) {
                out.println("nothing to do: the checkpoint has already completed " + start.epoch() + " epochs (--epochs "
                        + totalEpochs + ")");
                return ExitCodes.OK;
            }
            EarlyStopping stopping = EarlyStopping.replay(config.training().earlyStopping(),
                    checkpoint == null ? List.of() : checkpoint.history());
            if (stopping.shouldStop() && start.atEpochStart()) {
                out.println("nothing to do: early stopping ended this run after epoch " + start.epoch() + ": "
                        + stopping.reason() + "; best checkpoint " + BestCheckpoint.path(run.path())
                        + " (to train on, give a larger --early-stop-patience)");
                return ExitCodes.OK;
            }
            // 5. The backend.
            BackendChoice choice = engine.choose(Task.TRAINING, checkpoint == null ? null : checkpoint.backend());
            Backend backend = choice.backend();
            out.println("backend " + backend.name() + ": " + choice.reason());
            if (!backend.capabilities().training()) {
                throw new UnsupportedOperationException("backend '" + backend.name() + "' cannot train: "
                        + backend.capabilities().limitations() + ". Use --backend pytorch or --backend tensorflow.");
            }
            return train(out, run, network, config, dataset, backend, device, checkpoint, source, start, bar);
        }
    }

    private int train(PrintWriter out, RunDirectory run, Network network, RunConfig config, DatasetSpec dataset,
            Backend backend, Device device, Checkpoint checkpoint, InitFromSource source, TrainingPosition start,
            boolean bar) {
        long runSeed = config.training().seed();
        int batch = config.training().batchSize();
        int totalEpochs = config.training().epochs();
        Parameters params = checkpoint != null ? checkpoint.parameters()
                : Parameters.initialize(network, config.training().initializer(), runSeed);
        if (source != null) {
            params = startingWeights(out, network, params, source, config);
        }
        List<EpochMetrics> previous = checkpoint == null ? List.of() : checkpoint.history();
        // 6. The device: opening the session is the real test, still before any data is read.
        try (Session session = open(backend, network, params, device)) {
            int imageSize = config.model().imageSize();
            // Training images only: the test loaders below never augment.
            Augmentation augmentation = Augmentation.of(config.data(), imageSize);
            BatchSource train;
            BatchSource test;
            if (dataset == null) {
                FolderSplits splits = data.splits(config.data(), runSeed);
                out.println("data: " + splits.how());
                checkFolderClasses(config, splits);
                OptionChecks.limit("--train-limit", config.data().trainLimit(), splits.train().size(),
                        "the training images of " + splits.train().root());
                OptionChecks.limit("--test-limit", config.data().testLimit(), splits.test().size(),
                        "the test images of " + splits.test().root());
                train = FolderLoader.builder(splits.train()).batchSize(batch).imageSize(imageSize).seed(runSeed)
                        .channels(config.model().inChannels()).limit(limitOrAll(config.data().trainLimit()))
                        .augmentation(augmentation).build();
                test = FolderLoader.builder(splits.test()).batchSize(batch).imageSize(imageSize).shuffle(false)
                        .channels(config.model().inChannels()).limit(limitOrAll(config.data().testLimit())).build();
            } else {
                DataLocation location = data.locate(dataset);
                out.println("data: " + location);
                ImageDataset trainSet = ImageDataset.load(location, Split.TRAIN);
                ImageDataset testSet = ImageDataset.load(location, Split.TEST);
                OptionChecks.limit("--train-limit", config.data().trainLimit(), trainSet.size(),
                        "the training images of " + dataset.name());
                OptionChecks.limit("--test-limit", config.data().testLimit(), testSet.size(),
                        "the test images of " + dataset.name());
                train = DataLoader.builder(trainSet).batchSize(batch).imageSize(imageSize).seed(runSeed)
                        .limit(limitOrAll(config.data().trainLimit())).augmentation(augmentation).build();
                test = DataLoader.builder(testSet).batchSize(batch).imageSize(imageSize).shuffle(false)
                        .limit(limitOrAll(config.data().testLimit())).build();
            }
            out.printf(Locale.ROOT, "model %s (%,d parameters), backend %s on %s, %d training and %d test images at "
                    + "%dx%d, batch %d, %s%s, run directory %s%n", network.name(), network.parameterCount(),
                    backend.name(), session.device(), train.size(), test.size(), imageSize, imageSize, batch,
                    describeOptimizer(config), describeAugmentation(config.data()), run.path());
            TrainingSpec trainingSpec = trainingSpec(config, train.batchesPerEpoch(), network);
            try (Trainer trainer = session.trainer(trainingSpec)) {
                if (checkpoint != null) {
                    trainer.restoreOptimizerState(checkpoint.optimizer());
                }
                RunRecorder recorder = new RunRecorder(run.path(), config, backend.name(), session::parameters,
                        trainer::optimizerState, previous, out, trainingSpec::learningRate);
                if (config.training().earlyStopping().enabled()) {
                    BestCheckpoint.restore(run.path(), config, EarlyStopping.replay(config.training().earlyStopping(),
                            previous), out);
                }
                List<TrainingListener> listeners = List.of(new ProgressListener(out, totalEpochs, bar,
                        trainingSpec::learningRate), recorder,
                        new TrainingPlot(run.path().resolve(RunDirectory.PLOT), previous));
                Fit fit = new Fit(new FitConfig(totalEpochs, plateauSteps, stopOnPlateau,
                        config.training().earlyStopping()), listeners);
                FitResult result = stoppable(fit, () -> fit.run(session, trainer, train, test, start, previous));
                if (!result.history().isEmpty()) {
                    EpochMetrics last = result.history().get(result.history().size() - 1);
                    out.printf(Locale.ROOT, "test accuracy %.3f after %d epochs; checkpoint %s; metrics %s; plot %s%n",
                            last.testAccuracy(), last.epoch(), recorder.lastCheckpoint(),
                            run.path().resolve(RunDirectory.METRICS), run.path().resolve(RunDirectory.PLOT));
                }
                if (config.training().earlyStopping().enabled() && result.finished()) {
                    out.println(BestCheckpoint.summary(result, totalEpochs, run.path()));
                }
                return result.finished() ? ExitCodes.OK : ExitCodes.INTERRUPTED;
            }
        }
    }

    /**
     * The update every backend applies: the configuration's optimizer, loss (label smoothing), clipping and schedule,
     * a cosine or one-cycle schedule spanning the whole run ({@code epochs} times {@code batchesPerEpoch} steps).
     *
     * @throws UsageException if the schedule does not fit the run (more warm-up steps than the run has)
     */
    static TrainingSpec trainingSpec(RunConfig config, int batchesPerEpoch) {
        long totalSteps = (long) config.training().epochs() * batchesPerEpoch;
        try {
            return new TrainingSpec(config.optimizer().spec(), config.training().loss(), config.training().seed(),
                    config.optimizer().schedule().spec(config.optimizer().learningRate(), totalSteps),
                    config.optimizer().clipNorm());
        } catch (IllegalArgumentException e) {
            throw new UsageException("--warmup-steps " + config.optimizer().schedule().warmupSteps() + " exceeds the "
                    + "run's " + totalSteps + " steps (" + config.training().epochs() + " epochs of " + batchesPerEpoch
                    + " batches): use fewer warm-up steps or more --epochs");
        }
    }

    /**
     * {@link #trainingSpec(RunConfig, int)} with the run's head group: with {@code optimizer.headLearningRate}, the
     * trained parameters of {@code network}'s last linear layer at that base rate.
     *
     * @throws UsageException if the schedule does not fit the run
     */
    static TrainingSpec trainingSpec(RunConfig config, int batchesPerEpoch, Network network) {
        TrainingSpec spec = trainingSpec(config, batchesPerEpoch);
        if (!config.optimizer().hasHeadLearningRate()) {
            return spec;
        }
        return spec.withGroup(headTrained(network), config.optimizer().headLearningRate());
    }

    /** The trained (not frozen) parameters of the network's last linear layer. */
    private static List<String> headTrained(Network network) {
        return WeightTransfer.headNames(network).stream().filter(n -> !network.isFrozen(n)).toList();
    }

    /**
     * A head learning rate needs a head that trains; prints the head group.
     *
     * @throws UsageException if {@code --head-lr} is given but the last linear layer is frozen (or absent)
     */
    private void checkHeadTrains(Network network, RunConfig config) {
        if (!config.optimizer().hasHeadLearningRate()) {
            return;
        }
        List<String> head = headTrained(network);
        if (head.isEmpty()) {
            throw new UsageException("--head-lr " + config.optimizer().headLearningRate() + " needs a head that "
                    + "trains, but the last linear layer of model " + network.name() + " ("
                    + String.join(", ", WeightTransfer.headNames(network)) + ") is frozen by --freeze "
                    + String.join(",", config.training().freeze()));
        }
        spec.commandLine().getOut().printf(Locale.ROOT, "head group (--head-lr %s): %s at base lr %s, the other %d "
                + "trained tensors at --lr %s%n", config.optimizer().headLearningRate(), String.join(", ", head),
                config.optimizer().headLearningRate(), network.trainableSpecs().size() - head.size(),
                config.optimizer().learningRate());
    }

    /**
     * Opens the session; a layer of the chosen model that the backend cannot run yet (batch norm, the torchvision
     * layout's adaptive pool, on a backend without them) is bad usage, refused here before any data is read.
     *
     * @throws UsageException naming the backend, the layer and the model options that asked for it
     */
    static Session open(Backend backend, Network network, Parameters params, Device device) {
        try {
            return backend.open(network, params, device);
        } catch (UnsupportedLayerException e) {
            throw new UsageException("--backend " + backend.name() + " cannot train model " + network.name()
                    + " (--model, --layout): " + e.getMessage() + "; use --backend pytorch");
        }
    }

    /**
     * Runs {@code training} with a shutdown hook that asks {@code fit} to stop (Ctrl-C, SIGTERM) and waits for it to
     * save its checkpoint before the JVM exits.
     */
    private static FitResult stoppable(Fit fit, java.util.function.Supplier<FitResult> training) {
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
        try {
            return training.get();
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C arrived: the hook is running and the JVM exits once we return.
            }
        }
    }

    /** The configuration the options describe, after checking each value against its documented range. */
    RunConfig givenConfig() {
        String initId;
        try {
            initId = Initializer.byName(init).id();
        } catch (IllegalArgumentException e) {
            throw new UsageException("unknown --init '" + init + "': use torchvision or pytorch");
        }
        DataConfig dataConfig = DataOptions.isFolder(data.dataset)
                ? data.folderConfig(OptionChecks.limit("--train-limit", trainLimit),
                        OptionChecks.limit("--test-limit", testLimit), seed)
                : DataConfig.builtIn(DataOptions.spec(data.dataset).name(),
                        OptionChecks.limit("--train-limit", trainLimit), OptionChecks.limit("--test-limit", testLimit));
        String name = OptionChecks.oneOf("--optimizer", optimizer, OptimizerConfig.ADAM, OptimizerConfig.ADAMW,
                OptimizerConfig.SGD);
        double rate = OptionChecks.aboveAtMost("--lr", lr, 0, MAX_LR);
        double m = OptionChecks.atLeastBelow("--momentum", momentum, 0, 1);
        double decay = weightDecay != null ? OptionChecks.within("--weight-decay", weightDecay, 0, 1)
                : name.equals(OptimizerConfig.ADAMW) ? ADAMW_WEIGHT_DECAY : 0;
        if (nesterov && !(name.equals(OptimizerConfig.SGD) && m > 0)) {
            throw new UsageException("--nesterov needs --optimizer sgd with --momentum > 0, got --optimizer " + name
                    + " --momentum " + m);
        }
        String scheduleName = OptionChecks.oneOf("--schedule", schedule, ScheduleConfig.NAMES.toArray(String[]::new));
        ScheduleConfig scheduleConfig = new ScheduleConfig(scheduleName,
                OptionChecks.inRange("--warmup-steps", warmupSteps, 0, MAX_SCHEDULE_STEPS),
                OptionChecks.inRange("--step-size", stepSize, 1, MAX_SCHEDULE_STEPS),
                OptionChecks.aboveAtMost("--gamma", gamma, 0, 1), OptionChecks.within("--min-lr", minLr, 0, rate));
        if (resume == null) {
            // Settings of another schedule would be silently unused (a resume reports them as conflicts instead).
            for (String[] only : new String[][] {{"--warmup-steps", ScheduleConfig.COSINE},
                    {"--min-lr", ScheduleConfig.COSINE}, {"--step-size", ScheduleConfig.STEP},
                    {"--gamma", ScheduleConfig.STEP}}) {
                if (given(only[0]) && !scheduleName.equals(only[1])) {
                    throw new UsageException(only[0] + " applies to --schedule " + only[1] + " only, got --schedule "
                            + scheduleName);
                }
            }
        }
        OptimizerConfig opt = new OptimizerConfig(name, rate, m, decay, nesterov,
                OptionChecks.within("--clip-norm", clipNorm, 0, MAX_CLIP_NORM), scheduleConfig,
                headLr == null ? 0 : OptionChecks.aboveAtMost("--head-lr", headLr, 0, MAX_LR));
        EarlyStoppingConfig stopping = new EarlyStoppingConfig(
                OptionChecks.inRange("--early-stop-patience", earlyStopPatience, 0, MAX_EPOCHS),
                OptionChecks.oneOf("--early-stop-metric", earlyStopMetric, EarlyStoppingConfig.VAL_ACCURACY,
                        EarlyStoppingConfig.VAL_LOSS),
                OptionChecks.within("--early-stop-min-delta", earlyStopMinDelta, 0, 1));
        TrainingConfig training = new TrainingConfig(OptionChecks.inRange("--batch-size", batchSize, 1, MAX_BATCH),
                OptionChecks.inRange("--epochs", epochs, 1, MAX_EPOCHS), seed, initId,
                OptionChecks.atLeastBelow("--label-smoothing", labelSmoothing, 0, 1), stopping, null, null,
                freezePrefixes());
        org.vgg4j.core.config.ModelConfig modelConfig = model.modelConfig();
        return new RunConfig(modelConfig, withAugmentation(dataConfig, modelConfig.imageSize()), opt, training);
    }

    /** {@code data} with the augmentation of {@code --augment} and {@code --crop-padding}, both checked. */
    private DataConfig withAugmentation(DataConfig data, int imageSize) {
        String canonical;
        try {
            canonical = DataConfig.canonicalAugment(augment);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--augment '" + augment + "': " + e.getMessage() + "; use "
                    + String.join(", ", DataConfig.AUGMENTATIONS));
        }
        boolean crop = List.of(canonical.split(",")).contains(DataConfig.AUGMENT_CROP);
        if (!crop && given("--crop-padding")) {
            throw new UsageException("--crop-padding is for --augment crop (or crop,flip), but --augment is '"
                    + canonical + "'" + (resume != null && !given("--augment")
                            ? " (with --resume, give the checkpoint's --augment too)" : ""));
        }
        if (crop) {
            OptionChecks.inRange("--crop-padding", cropPadding, 0, imageSize);
        }
        return data.withAugmentation(canonical, crop ? cropPadding : null);
    }

    /**
     * The checkpoint's configuration, with the total epochs of {@code --epochs} if given.
     *
     * @throws UsageException listing every option given with a value other than the checkpoint's
     */
    private RunConfig reconcile(RunConfig stored, RunConfig given, Path manifest) {
        Map<String, String> conflicts = new LinkedHashMap<>();
        for (ConfigDifference d : stored.differences(given)) {
            String option = OPTION_OF_FIELD.get(d.path());
            if (option != null && !RESUME_MAY_CHANGE.contains(option) && given(option)) {
                conflicts.putIfAbsent(option, option + " (checkpoint: " + shown(d.value()) + ", given: "
                        + shown(d.other()) + ")");
            }
        }
        if (!conflicts.isEmpty()) {
            throw new UsageException("--resume " + manifest + " conflicts with " + (conflicts.size() == 1
                    ? "an option" : conflicts.size() + " options") + " given: " + String.join("; ", conflicts.values())
                    + ". A resumed run keeps its checkpoint's configuration: leave "
                    + (conflicts.size() == 1 ? "it" : "them") + " out, or start a new run");
        }
        if (given("--epochs") && stored.optimizer().schedule().spansTheRun()
                && given.training().epochs() != stored.training().epochs()) {
            throw new UsageException("--resume " + manifest + " conflicts with --epochs " + given.training().epochs()
                    + ": the checkpoint's --schedule " + stored.optimizer().schedule().name() + " spans its "
                    + stored.training().epochs() + " epochs, and another length would change the learning rates of "
                    + "the steps already taken; leave --epochs out, or start a new run");
        }
        RunConfig out = given("--epochs") ? stored.withEpochs(given.training().epochs()) : stored;
        EarlyStoppingConfig had = stored.training().earlyStopping();
        EarlyStoppingConfig asked = given.training().earlyStopping();
        return out.withEarlyStopping(new EarlyStoppingConfig(
                given("--early-stop-patience") ? asked.patience() : had.patience(),
                given("--early-stop-metric") ? asked.metric() : had.metric(),
                given("--early-stop-min-delta") ? asked.minDelta() : had.minDelta()));
    }

    /** The settings of early stopping without early stopping on are a mistake: say so before anything runs. */
    private void checkEarlyStopping(RunConfig config) {
        if (config.training().earlyStopping().enabled()) {
            return;
        }
        for (String option : List.of("--early-stop-metric", "--early-stop-min-delta")) {
            if (given(option)) {
                throw new UsageException(option + " needs --early-stop-patience N (N >= 1): early stopping is off"
                        + (resume != null ? " in this run" : ""));
            }
        }
    }

    private boolean given(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    private static String shown(String value) {
        return value == null ? "all" : value;
    }

    private static VggConfig vgg(RunConfig config, Path manifest) {
        try {
            return VggConfig.from(config.model());
        } catch (IllegalArgumentException e) {
            // Options were checked already, so this is the checkpoint's configuration: a failure, not bad usage.
            throw new Vgg4jException("checkpoint " + manifest + " holds a model configuration vgg4j cannot build: "
                    + e.getMessage(), e);
        }
    }

    private static void checkModelFitsData(RunConfig config, DatasetSpec dataset, String classesHint) {
        if (dataset == null) {
            int classes = config.data().classNames().size();
            if (config.model().classes() != classes) {
                throw new UsageException("--classes " + config.model().classes() + " does not match --data-dir "
                        + config.data().folder() + ", which has " + classes + " class folders" + classesHint);
            }
            if (config.model().inChannels() != 1 && config.model().inChannels() != 3) {
                throw new UsageException("--in-channels " + config.model().inChannels() + " does not fit --dataset "
                        + "folder: images are read as grey (1) or RGB (3)");
            }
            return;
        }
        int classes = dataset.classNames().size();
        if (config.model().classes() != classes) {
            throw new UsageException("--classes " + config.model().classes() + " does not match --dataset "
                    + dataset.name() + ", which has " + classes + " classes" + classesHint);
        }
        // The IDX data sets (Fashion-MNIST, MNIST) are greyscale.
        if (config.model().inChannels() != 1) {
            throw new UsageException("--in-channels " + config.model().inChannels() + " does not match --dataset "
                    + dataset.name() + ", whose images have 1 channel");
        }
    }

    /**
     * Refuses a model whose weights, optimizer state and one checkpoint copy of them (all float32 on the heap while a
     * checkpoint is saved) do not fit the JVM's maximum heap, which would otherwise fail after the first epoch.
     */
    private static void checkHeap(Network network, OptimizerConfig optimizer) {
        long need = network.parameterCount() * 4L * (2 + optimizer.stateTensorsPerParameter());
        long max = Runtime.getRuntime().maxMemory();
        if (max != Long.MAX_VALUE && need > max) {
            throw new Vgg4jException(String.format(Locale.ROOT, "model %s needs about %.1f GB of Java heap for its "
                    + "weights, optimizer state and a checkpoint copy, but this JVM may use only %.1f GB: give it "
                    + "more (VGG4J_JAVA_OPTS=-Xmx%dg) or use a larger --ratio or a smaller --image-size",
                    network.name(), need / 1e9, max / 1e9, (long) Math.ceil(need * 1.5 / 1e9)));
        }
    }

    /** {@code --freeze} as a list of module prefixes (empty without it), each checked to be non-empty and given once. */
    private List<String> freezePrefixes() {
        if (freeze == null) {
            return List.of();
        }
        List<String> out = new java.util.ArrayList<>();
        for (String part : freeze.split(",", -1)) {
            String prefix = part.strip();
            if (prefix.isEmpty()) {
                throw new UsageException("--freeze must be a comma-separated list of module prefixes such as features "
                        + "or features,classifier.0, got '" + freeze + "'");
            }
            if (out.contains(prefix)) {
                throw new UsageException("--freeze names '" + prefix + "' twice: '" + freeze + "'");
            }
            out.add(prefix);
        }
        return out;
    }

    /**
     * {@code network} with the modules of the run's {@code training.freeze} frozen.
     *
     * @throws UsageException naming a prefix that matches no parameter, or if nothing would be left to train
     */
    private static Network frozen(Network network, RunConfig config) {
        List<String> prefixes = config.training().freeze();
        if (prefixes.isEmpty()) {
            return network;
        }
        Network out;
        try {
            out = network.withFrozen(prefixes);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--freeze: " + e.getMessage());
        }
        if (out.trainableSpecs().isEmpty()) {
            throw new UsageException("--freeze " + String.join(",", prefixes) + " freezes every parameter of model "
                    + network.name() + ": nothing would train");
        }
        return out;
    }

    /**
     * The configuration of a run started from {@code source}: the model options not given on the command line are
     * the checkpoint's (for a bare state dict, the options describe its network), and the source and its checksum are
     * recorded.
     *
     * @throws UsageException if the checkpoint's model with the options given is not a model vgg4j can build
     */
    private RunConfig fineTuning(RunConfig given, InitFromSource source) {
        ModelConfig model = given.model();
        if (source.isCheckpoint()) {
            ModelConfig s = source.config().model();
            ModelConfig g = given.model();
            boolean m = given("--model");
            model = new ModelConfig(m ? g.family() : s.family(), m ? g.variant() : s.variant(),
                    given("--ratio") ? g.ratio() : s.ratio(), given("--in-channels") ? g.inChannels() : s.inChannels(),
                    given("--image-size") ? g.imageSize() : s.imageSize(), given("--classes") ? g.classes() : s.classes(),
                    given("--hidden") ? g.hiddenUnits() : s.hiddenUnits(), given("--dropout") ? g.dropout() : s.dropout(),
                    m ? g.batchNorm() : s.batchNorm(), given("--layout") ? g.layout() : s.layout());
            try {
                VggConfig.from(model);
            } catch (IllegalArgumentException e) {
                throw new UsageException("the model of --init-from " + source.manifest() + " with the model options "
                        + "given is not one vgg4j can build: " + e.getMessage());
            }
        }
        return new RunConfig(model, given.data(), given.optimizer(), given.training().withFineTuning(
                source.weights().toString(), source.sha256(), given.training().freeze()));
    }

    /**
     * The starting weights of a run from {@code --init-from}: the source's tensors where name and shape match, fresh
     * ones (drawn by the run's {@code --init} and {@code --seed}) for the replaced head ({@code --classes} given) and
     * whatever the source lacks; prints what came from where.
     *
     * @throws Vgg4jException naming the source and every misshaped tensor outside the head (exit 1)
     */
    private Parameters startingWeights(PrintWriter out, Network network, Parameters initial, InitFromSource source,
            RunConfig config) {
        java.util.Set<String> replaced = given("--classes")
                ? java.util.Set.copyOf(WeightTransfer.headNames(network)) : java.util.Set.of();
        WeightTransfer t;
        try {
            t = WeightTransfer.combine(network, initial, source.tensors(), replaced);
        } catch (ParameterMismatchException e) {
            throw new Vgg4jException("--init-from " + source.describe() + " does not fit model " + network.name()
                    + ": " + e.getMessage(), e);
        }
        out.printf(Locale.ROOT, "init from %s: loaded %d of %d tensors; freshly initialised %d (%s init, seed %d)%s%s%n",
                source.describe(), t.loaded().size(), network.parameterSpecs().size(), t.fresh().size(),
                config.training().init(), config.training().seed(), t.fresh().isEmpty() ? "" : ": " + names(t.fresh()),
                t.unused().isEmpty() ? "" : "; not used from the source: " + names(t.unused()));
        return t.parameters();
    }

    /** At most eight names, comma-separated, then how many in all. */
    private static String names(List<String> names) {
        return names.size() <= 8 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 8)) + ", ... (" + names.size() + " in all)";
    }

    /** A resumed folder run must find the classes its checkpoint was trained on. */
    private static void checkFolderClasses(RunConfig config, FolderSplits splits) {
        if (!splits.train().classNames().equals(config.data().classNames())) {
            throw new UsageException("the image folder " + config.data().folder() + " now has classes "
                    + splits.train().classNames() + ", but the run was trained on " + config.data().classNames());
        }
    }

    private static int limitOrAll(Integer limit) {
        return limit == null ? -1 : limit;
    }

    private static String describe(RunConfig c) {
        return String.format(Locale.ROOT, "%s%s (%s layout) ratio %d at %dx%d, %s, batch %d, %d epochs",
                c.model().variant(), c.model().batchNorm() ? "_bn" : "", c.model().layout(),
                c.model().ratio(), c.model().imageSize(), c.model().imageSize(), describeOptimizer(c),
                c.training().batchSize(), c.training().epochs()) + describeAugmentation(c.data());
    }

    private static String describeAugmentation(DataConfig d) {
        if (d.augmentSteps().isEmpty()) {
            return "";
        }
        return ", augment " + d.augment() + (d.cropPadding() == null ? "" : " (padding " + d.cropPadding() + ")");
    }

    private static String describeOptimizer(RunConfig c) {
        OptimizerConfig o = c.optimizer();
        StringBuilder sb = new StringBuilder(o.name()).append(o.nesterov() ? " (nesterov)" : "").append(" lr ")
                .append(o.learningRate());
        ScheduleConfig s = o.schedule();
        switch (s.name()) {
            case ScheduleConfig.STEP -> sb.append(" x").append(s.gamma()).append(" every ").append(s.stepSize())
                    .append(" steps");
            case ScheduleConfig.COSINE -> sb.append(" cosine (").append(s.warmupSteps()).append(" warm-up steps, to ")
                    .append(s.minLr()).append(")");
            case ScheduleConfig.ONE_CYCLE -> sb.append(" one-cycle");
            default -> { }
        }
        if (o.hasHeadLearningRate()) {
            sb.append(", head lr ").append(o.headLearningRate());
        }
        if (o.clipNorm() > 0) {
            sb.append(", clip norm ").append(o.clipNorm());
        }
        if (c.training().labelSmoothing() > 0) {
            sb.append(", label smoothing ").append(c.training().labelSmoothing());
        }
        return sb.append(", init ").append(c.training().init()).append(", seed ").append(c.training().seed())
                .toString();
    }

    /** Where the run writes: --output, else the resumed checkpoint's run directory, else a new one under runs/. */
    private Path runDirectory(Path manifest, RunConfig config) {
        if (output != null) {
            return output;
        }
        if (manifest != null) {
            Path manifestDir = manifest.toAbsolutePath().getParent();
            return manifestDir.getFileName().toString().equals(RunDirectory.CHECKPOINTS) ? manifestDir.getParent()
                    : manifestDir;
        }
        // the run's model, which with --init-from may be the source checkpoint's rather than the options'
        return Path.of("runs", VggConfig.from(config.model()).modelName() + "-r" + config.model().ratio() + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }

    private boolean useBar() {
        return switch (OptionChecks.oneOf("--progress", progress, "bar", "lines", "auto")) {
            case "bar" -> true;
            case "lines" -> false;
            default -> System.console() != null;
        };
    }
}
