package org.vgg4j.core.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds a Python interpreter that can import the modules a reference check needs and runs scripts with it, so that
 * tests compare against something vgg4j did not write. Candidates, in order: the system property {@code vgg4j.python},
 * {@code python3} on the PATH, {@code /usr/bin/python3} (a pyenv shim on the PATH may hide Debian's packages).
 */
public final class Python {
    /** Exit status and output (stdout and stderr together) of a script. */
    public record Run(int exitCode, String output) {
    }

    private final String executable;

    private Python(String executable) {
        this.executable = executable;
    }

    /** The first candidate interpreter that can run {@code import <imports>}, if any. */
    public static Optional<Python> withModules(String imports) {
        List<String> candidates = new ArrayList<>();
        String configured = System.getProperty("vgg4j.python");
        if (configured != null && !configured.isBlank()) {
            candidates.add(configured);
        }
        candidates.add("python3");
        candidates.add("/usr/bin/python3");
        for (String candidate : candidates) {
            Python python = new Python(candidate);
            try {
                if (python.code("import " + imports).exitCode() == 0) {
                    return Optional.of(python);
                }
            } catch (IOException notThere) {
                // not installed under this name: try the next one
            }
        }
        return Optional.empty();
    }

    /** The interpreter run as {@code executable} (a name on the PATH or a path). */
    public static Python at(String executable) {
        return new Python(executable);
    }

    /** The interpreter's command. */
    public String executable() {
        return executable;
    }

    /** Runs the script file {@code script} with {@code args}; gives up after 5 minutes. */
    public Run script(Path script, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(script.toString()));
        command.addAll(List.of(args));
        return run(command);
    }

    /** Runs the program text {@code code} ({@code python -c}) with {@code args}; gives up after 5 minutes. */
    public Run code(String code, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("-c", code));
        command.addAll(List.of(args));
        return run(command);
    }

    private Run run(List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(executable));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Run(-1, "timed out: " + command);
            }
            return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted", e);
        }
    }
}
