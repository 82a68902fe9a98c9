package org.vgg4j.cli;

import java.io.PrintWriter;
import org.vgg4j.core.Vgg4jException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code vgg4j} command: dispatches to the subcommands and turns every known error into one clear
 * line on standard error and a non-zero exit code (1 for failures, 2 for bad usage, 130 when stopped by Ctrl-C).
 */
@Command(name = "vgg4j", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Define, inspect, train, evaluate and export VGG networks on native engines.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, SummaryCommand.class,
                BackendsCommand.class, ExportCommand.class, BenchCommand.class, ServeCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    /** Exit code of a run stopped cleanly by Ctrl-C after saving its checkpoint. */
    public static final int EXIT_INTERRUPTED = 130;

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    /**
     * Runs the command line and exits the JVM with its exit code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /**
     * Runs the command line {@code args} and returns its exit code; used by {@link #main} and by tests.
     *
     * @param args the command line
     * @param out  where the command's output goes
     * @param err  where error lines go
     * @return the exit code (0 success, 1 failure, 2 bad usage, 130/143 interrupted)
     */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        CommandLine cmd = new CommandLine(new Main());
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            Throwable root = ex;
            if (ex instanceof Vgg4jException || ex instanceof IllegalArgumentException
                    || ex instanceof UnsupportedOperationException) {
                commandLine.getErr().println("error: " + ex.getMessage());
                return ex instanceof IllegalArgumentException ? 2 : 1;
            }
            while (root.getCause() != null && !(root instanceof Vgg4jException)) {
                root = root.getCause();
            }
            if (root instanceof Vgg4jException) {
                commandLine.getErr().println("error: " + root.getMessage());
                return 1;
            }
            commandLine.getErr().println("error: unexpected " + ex);
            ex.printStackTrace(commandLine.getErr());
            return 1;
        });
        return cmd.execute(args);
    }
}
