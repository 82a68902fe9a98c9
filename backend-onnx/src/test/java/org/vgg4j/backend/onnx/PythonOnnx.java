package org.vgg4j.backend.onnx;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.vgg4j.core.testing.Python;

/**
 * Finds a Python interpreter that has the official {@code onnx} package (Debian's python3-onnx) and runs scripts with
 * it, through core's test {@link Python} (the system property {@code vgg4j.python} if set, else {@code python3} on the
 * PATH, else {@code /usr/bin/python3}: a pyenv shim on the PATH may hide the Debian package).
 */
final class PythonOnnx {
    /** Output and exit status of a script. */
    record Run(int exitCode, String output) {
    }

    private PythonOnnx() {
    }

    /** The first interpreter that can {@code import onnx}, if any. */
    static Optional<String> find() {
        return Python.withModules("onnx").map(Python::executable);
    }

    /** Runs {@code script} with {@code args}; stdout and stderr together. */
    static Run run(String python, String script, List<String> args) throws IOException {
        Python.Run run = Python.at(python).code(script, args.toArray(String[]::new));
        return new Run(run.exitCode(), run.output());
    }
}
