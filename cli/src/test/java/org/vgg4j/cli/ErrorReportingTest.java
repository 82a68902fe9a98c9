package org.vgg4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.core.Vgg4jException;
import org.vgg4j.core.spi.BackendUnavailableException;
import org.vgg4j.core.spi.UnknownBackendException;
import picocli.CommandLine;

/**
 * Errors a user can read: one line on stderr with the documented exit code for every error, including a bug's
 * (the last-resort line names the command and the exception); the stack trace only with {@code --debug}, accepted by
 * every command, or {@code VGG4J_DEBUG=1}.
 */
class ErrorReportingTest {
    @TempDir
    Path dir;

    /** A context whose free-space probe fails as a bug would: an exception no code expects. */
    private static Main.Context exploding(Map<String, String> env) {
        return new Main.Context(env::get, d -> {
            throw new IllegalStateException("probe exploded");
        });
    }

    private String[] train(String... more) {
        String[] base = {"train", "--image-size", "32", "--output", dir.resolve("run").toString(), "--data-dir",
            dir.resolve("nowhere").toString(), "--no-download"};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void anUnknownBackendIsBadUsage() {
        CliRun r = CliRun.of(train("--backend", "mxnet"));
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).singleElement().asString().startsWith("error: unknown backend 'mxnet'")
                .contains("pytorch (available)");
    }

    @Test
    void anUnexpectedExceptionIsOneLineNamingTheCommandAndTheException() {
        CliRun r = CliRun.in(exploding(Map.of()), train());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.errLines()).containsExactly("error: vgg4j train failed unexpectedly: IllegalStateException: "
                + "probe exploded (a bug: please report it with the output of --debug)");
        assertThat(dir.resolve("run")).doesNotExist();
    }

    @Test
    void debugOrTheEnvironmentVariableAddsTheStackTrace() {
        CliRun flag = CliRun.in(exploding(Map.of()), train("--debug"));
        assertThat(flag.exit()).isEqualTo(1);
        assertThat(flag.errLines().get(0)).startsWith("error: vgg4j train failed unexpectedly");
        assertThat(flag.err()).contains("java.lang.IllegalStateException: probe exploded")
                .contains("\tat org.vgg4j.core.run.RunDirectory.prepare");
        CliRun env = CliRun.in(exploding(Map.of(Main.DEBUG_ENV, "1")), train());
        assertThat(env.err()).contains("\tat org.vgg4j.core.run.RunDirectory.prepare");
        CliRun usage = CliRun.of("summary", "--ratio", "x", "--debug");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err()).contains("\tat picocli.");
    }

    @Test
    void everyCommandAcceptsDebug() {
        for (String command : new CommandLine(new Main()).getSubcommands().keySet()) {
            CommandLine.Model.CommandSpec spec = new CommandLine(new Main()).getSubcommands().get(command)
                    .getCommandSpec();
            assertThat(spec.findOption("--debug")).as(command).isNotNull();
        }
        assertThat(CliRun.of("summary", "--debug").exit()).isZero();
        assertThat(CliRun.of("--debug", "summary").exit()).isZero();
    }

    @Test
    void exitCodesAreMappedInOnePlace() {
        assertThat(ExitCodes.of(new UsageException("x"))).isEqualTo(2);
        assertThat(ExitCodes.of(new IllegalArgumentException("x"))).isEqualTo(2);
        assertThat(ExitCodes.of(new UnknownBackendException("x"))).isEqualTo(2);
        assertThat(ExitCodes.of(new BackendUnavailableException("x"))).isEqualTo(1);
        assertThat(ExitCodes.of(new Vgg4jException("x"))).isEqualTo(1);
        assertThat(ExitCodes.of(new RuntimeException(new Vgg4jException("inner")))).isEqualTo(1);
        assertThat(ExitCodes.message(new RuntimeException(new Vgg4jException("inner")), "train")).isEqualTo("inner");
        assertThat(ExitCodes.of(new OutOfMemoryError("Java heap space"))).isEqualTo(1);
        assertThat(ExitCodes.message(new OutOfMemoryError("Java heap space"), "train"))
                .startsWith("vgg4j train ran out of memory (Java heap space): use a smaller --batch-size");
        assertThat(ExitCodes.message(new NoSuchFileException("/x/y"), "export"))
                .isEqualTo("no such file or directory: /x/y");
        assertThat(ExitCodes.message(new IOException("disk\nexploded"), "export")).isEqualTo("I/O error: disk");
        assertThat(ExitCodes.message(new NullPointerException(), "predict"))
                .isEqualTo("vgg4j predict failed unexpectedly: NullPointerException (a bug: please report it with "
                        + "the output of --debug)");
        assertThat(ExitCodes.INTERRUPTED).isEqualTo(Main.EXIT_INTERRUPTED).isEqualTo(130);
    }
}
