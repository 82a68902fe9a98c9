package org.vgg4j.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.vgg4j.core.LayerNode;
import org.vgg4j.core.Network;
import org.vgg4j.core.layer.ParameterSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code vgg4j summary}: prints a network's per-block output shapes and parameter counts (the d2l shape table), or
 * its module tree as PyTorch prints it (torchvision's {@code VGG} for {@code --layout torchvision}).
 */
@Command(name = "summary", mixinStandardHelpOptions = true,
        description = "Show the shape table and parameter counts of a model.")
public final class SummaryCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--format", defaultValue = "table", description = "table, layers or pytorch (default: ${DEFAULT-VALUE})")
    String format;

    @Option(names = "--batch", defaultValue = "1", description = "batch size of the example input, 1 to 65536 (default: ${DEFAULT-VALUE})")
    int batch;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        String how = OptionChecks.oneOf("--format", format, "table", "layers", "pytorch");
        OptionChecks.inRange("--batch", batch, 1, TrainCommand.MAX_BATCH);
        Network net = model.network();
        PrintWriter out = spec.commandLine().getOut();
        switch (how) {
            case "pytorch" -> out.println(TorchModulePrinter.print(net, model.config()));
            case "table" -> printTable(out, net, false);
            default -> printTable(out, net, true);
        }
        return 0;
    }

    private void printTable(PrintWriter out, Network net, boolean leaves) {
        out.printf(Locale.ROOT, "%s, input %s%n", net.name(), net.sampleShape().prepend(batch));
        out.printf(Locale.ROOT, "%-16s %-22s %-20s %12s%n", "layer", "type", "output shape", "parameters");
        for (LayerNode node : leaves ? net.leaves(batch) : net.shapeTable(batch)) {
            long params = net.parameterSpecs().stream()
                    .filter(p -> p.name().startsWith(node.path() + "."))
                    .mapToLong(p -> p.shape().elementCount()).sum();
            out.printf(Locale.ROOT, "%-16s %-22s %-20s %,12d%n", node.path(), node.layer().getClass().getSimpleName(),
                    node.outputShape(), params);
        }
        out.printf(Locale.ROOT, "total parameters: %,d (%.1f MB as float32)%n", net.parameterCount(),
                net.parameterCount() * 4 / 1e6);
        if (leaves) {
            out.println();
            for (ParameterSpec p : net.parameterSpecs()) {
                out.printf(Locale.ROOT, "%-24s %-18s %,12d%n", p.name(), p.shape(), p.shape().elementCount());
            }
        }
    }
}
