package org.vgg4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.vgg4j.core.config.RunConfigJson;
import org.vgg4j.onnx.ExportMetadata;
import org.vgg4j.onnx.OnnxExporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code vgg4j export}: writes a checkpoint as a standard ONNX model (opset 17, dynamic batch) with its class names and
 * provenance in the model metadata.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export a checkpoint to ONNX (opset 17, IR 8, dynamic batch, dropout omitted).")
public final class ExportCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, description = "checkpoint .json, weights file or run directory")
    Path checkpoint;
    @Option(names = "--onnx", required = true, description = "the .onnx file to write")
    Path onnx;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws java.io.IOException {
        PrintWriter out = spec.commandLine().getOut();
        TrainedModel model = TrainedModel.load(checkpoint);
        ExportMetadata meta = new ExportMetadata(model.network().name(), RunConfigJson.write(model.checkpoint().config()),
                model.classNames(), model.checkpoint().backend(), model.source().toString());
        OnnxExporter.write(onnx, model.network(), model.parameters(), meta);
        out.printf("wrote %s (%,d bytes): %s, input [N, %d, %d, %d], %d classes%n", onnx, Files.size(onnx),
                model.network().name(), model.config().inChannels(), model.config().imageSize(),
                model.config().imageSize(), model.network().numClasses());
        return 0;
    }
}
