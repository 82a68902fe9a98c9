package org.vgg4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.vgg4j.backend.onnx.Int8Calibrator;
import org.vgg4j.backend.onnx.OnnxRuntimeOptions;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.config.DataConfig;
import org.vgg4j.core.config.RunConfigJson;
import org.vgg4j.core.train.Batch;
import org.vgg4j.core.train.BatchSource;
import org.vgg4j.core.train.BatchStream;
import org.vgg4j.datasets.DataLoader;
import org.vgg4j.datasets.DatasetSpec;
import org.vgg4j.datasets.FolderLoader;
import org.vgg4j.datasets.FolderSplits;
import org.vgg4j.datasets.ImageDataset;
import org.vgg4j.datasets.Split;
import org.vgg4j.onnx.ExportMetadata;
import org.vgg4j.onnx.Int8Calibration;
import org.vgg4j.onnx.Int8Export;
import org.vgg4j.onnx.OnnxExporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code vgg4j export}: writes a checkpoint as a standard ONNX model (opset 17, dynamic batch) with its class names and
 * provenance in the model metadata; with {@code --int8}, as a statically quantized QDQ model ({@link Int8Export})
 * calibrated on training images.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export a checkpoint to ONNX (opset 17, IR 8, dynamic batch, dropout omitted).")
public final class ExportCommand implements Callable<Integer> {
    /** Calibration images per batch run through ONNX Runtime. */
    static final int CALIBRATION_BATCH = 32;

    @Option(names = "--checkpoint", required = true, description = "checkpoint .json, weights file or run directory")
    Path checkpoint;
    @Option(names = "--onnx", required = true, description = "the .onnx file to write")
    Path onnx;
    @Option(names = "--int8", description = "write a statically quantized int8 model (QDQ: int8 per-channel "
            + "weights, uint8 per-tensor activations calibrated by min/max on training images) that ONNX Runtime "
            + "runs with integer kernels (QLinearConv, QGemm); needs the training data (same options as train)")
    boolean int8;
    @Option(names = "--calibration-images", paramLabel = "N", description = "with --int8: how many training images "
            + "(a seeded shuffle) to calibrate on, 1 to the training set's size (default: 512)")
    Integer calibrationImages;
    @Mixin
    DataOptions data;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws java.io.IOException {
        PrintWriter out = spec.commandLine().getOut();
        var parsed = spec.commandLine().getParseResult();
        if (!int8) {
            for (String option : new String[] {"--calibration-images", "--dataset", "--data-dir", "--val-split"}) {
                if (parsed.hasMatchedOption(option)) {
                    throw new UsageException(option + " is for the calibration of an int8 export; add --int8 or "
                            + "leave it out");
                }
            }
        }
        int images = int8 ? OptionChecks.inRange("--calibration-images",
                calibrationImages == null ? 512 : calibrationImages, 1, Integer.MAX_VALUE) : 0;
        TrainedModel model = TrainedModel.load(checkpoint);
        ExportMetadata meta = new ExportMetadata(model.network().name(), RunConfigJson.write(model.checkpoint().config()),
                model.classNames(), model.checkpoint().backend(), model.source().toString());
        String how = "";
        if (int8) {
            CalibrationData calibration = calibrationData(model, images);
            long t0 = System.nanoTime();
            Int8Calibration cal;
            try (BatchStream stream = calibration.source().epoch(0, 0)) {
                cal = Int8Calibrator.calibrate(model.network(), model.parameters(), images(stream), images,
                        OnnxRuntimeOptions.defaults());
            }
            Int8Export.write(onnx, model.network(), model.parameters(), meta, cal);
            how = String.format(Locale.ROOT, "; int8 QDQ, calibrated (min/max) on %d training images of %s in %.1f s",
                    cal.images(), calibration.what(), (System.nanoTime() - t0) / 1e9);
        } else {
            OnnxExporter.write(onnx, model.network(), model.parameters(), meta);
        }
        out.printf("wrote %s (%,d bytes): %s, input [N, %d, %d, %d], %d classes%s%n", onnx, Files.size(onnx),
                model.network().name(), model.config().inChannels(), model.config().imageSize(),
                model.config().imageSize(), model.network().numClasses(), how);
        return 0;
    }

    /** The calibration images and a description of where they come from. */
    private record CalibrationData(BatchSource source, String what) {
    }

    /**
     * The training split the model was trained on (or {@code --dataset}/{@code --data-dir}'s), shuffled with the
     * run's seed, at the model's image size; {@code images} must not exceed it.
     */
    private CalibrationData calibrationData(TrainedModel model, int images) {
        boolean givenDataset = spec.commandLine().getParseResult().hasMatchedOption("--dataset");
        DataConfig trained = model.checkpoint().config().data();
        long seed = model.checkpoint().config().training().seed();
        int size = model.config().imageSize();
        int channels = model.config().inChannels();
        if (givenDataset ? DataOptions.isFolder(data.dataset) : trained.fromFolder()) {
            DataConfig config = data.dataDir != null ? data.folderConfig(null, null, seed) : trained;
            if (!config.fromFolder()) {
                throw new UsageException("--dataset folder needs --data-dir DIR, the folder of your images");
            }
            FolderSplits splits = data.splits(config, seed);
            if (splits.train().classNames().size() != model.network().numClasses()) {
                throw new UsageException("the image folder " + config.folder() + " has classes "
                        + splits.train().classNames() + ", but the model of " + model.source() + " has "
                        + model.network().numClasses() + " outputs");
            }
            OptionChecks.inRange("--calibration-images", images, 1, splits.train().size(),
                    "the training images of " + splits.train().root());
            return new CalibrationData(FolderLoader.builder(splits.train()).batchSize(CALIBRATION_BATCH)
                    .imageSize(size).channels(channels).seed(seed).build(), splits.train().root().toString());
        }
        DatasetSpec dataset = givenDataset ? data.spec() : DataOptions.spec(trained.dataset());
        if (channels != 1) {
            throw new UsageException("the model of " + model.source() + " takes " + channels + " channels, but "
                    + "--dataset " + dataset.name() + " has 1-channel images");
        }
        ImageDataset train = ImageDataset.load(data.locate(dataset), Split.TRAIN);
        OptionChecks.inRange("--calibration-images", images, 1, train.size(),
                "the training images of " + dataset.name());
        return new CalibrationData(DataLoader.builder(train).batchSize(CALIBRATION_BATCH).imageSize(size).seed(seed)
                .build(), dataset.name());
    }

    private static Iterator<Tensor> images(BatchStream stream) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return stream.hasNext();
            }

            @Override
            public Tensor next() {
                Batch b = stream.next();
                return b.images();
            }
        };
    }
}
