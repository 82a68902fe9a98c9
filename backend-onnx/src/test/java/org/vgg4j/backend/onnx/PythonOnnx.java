package org.vgg4j.backend.onnx;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds a Python interpreter that has the official {@code onnx} package (Debian's python3-onnx) and runs scripts with
 * it: the system property {@code vgg4j.python} if set, else {@code python3} on the PATH, else {@code /usr/bin/python3}
 * (a pyenv shim on the PATH may hide the Debian package).
 */
final class PythonOnnx {
    /** Output and exit status of a script. */
    record Run(int exitCode, String output) {
    }

    private PythonOnnx() {
    }

    /** The first interpreter that can {@code import onnx}, if any. */
    static Optional<String> find() {
        List<String> candidates = new ArrayList<>();
        String configured = System.getProperty("vgg4j.python");
        if (configured != null && !configured.isBlank()) {
            candidates.add(configured);
        }
        candidates.add("python3");
        candidates.add("/usr/bin/python3");
        for (String python : candidates) {
            try {
                if (run(python, "import onnx", List.of()).exitCode() == 0) {
                    return Optional.of(python);
                }
            } catch (IOException e) {
                // not installed under this name: try the next one
            }
        }
        return Optional.empty();
    }

    /** Runs {@code script} with {@code args}; stdout and stderr together. */
    static Run run(String python, String script, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(python, "-c", script));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Run(-1, "timed out");
            }
            return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted", e);
        }
    }
}
