package org.vgg4j.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.vgg4j.cli.Main;

/**
 * Helpers for tests on the real Fashion-MNIST files (Debian package {@code dataset-fashion-mnist}, which CI installs):
 * running the {@code vgg4j} command in-process and reading the metrics it writes.
 */
final class RealData {
    static final Path DEBIAN = Path.of("/usr/share/datasets/fashion-mnist");

    private RealData() {
    }

    static void assumeInstalled() {
        assumeTrue(Files.isRegularFile(DEBIAN.resolve("train-images-idx3-ubyte.gz")),
                "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist); CI installs it");
    }

    /**
     * The outcome of one command.
     *
     * @param exit exit code
     * @param out  standard output
     * @param err  standard error
     */
    record CliResult(int exit, String out, String err) {
    }

    static CliResult vgg4j(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        System.out.print(out);
        System.err.print(err);
        return new CliResult(code, out.toString(), err.toString());
    }

    /** The rows of a run's metrics.csv, header excluded, each split on commas. */
    static List<String[]> metrics(Path runDir) throws java.io.IOException {
        return Files.readAllLines(runDir.resolve("metrics.csv")).stream().skip(1).map(l -> l.split(",")).toList();
    }
}
