package org.vgg4j.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.vgg4j.core.run.FreeSpace;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * Entry point of the {@code vgg4j} command: dispatches to the subcommands and turns every error into one line on
 * standard error and the exit code {@link ExitCodes} documents (1 for failures, 2 for bad usage, 130 when stopped by
 * Ctrl-C); {@code --debug} (on every command) or {@code VGG4J_DEBUG=1} adds the stack trace.
 */
@Command(name = "vgg4j", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Define, inspect, train, evaluate and export VGG networks on native engines.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, SummaryCommand.class,
                BackendsCommand.class, ExportCommand.class, BenchCommand.class, ServeCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    /** Exit code of a run stopped cleanly by Ctrl-C after saving its checkpoint. */
    public static final int EXIT_INTERRUPTED = ExitCodes.INTERRUPTED;
    /** Environment variable that turns on stack traces, like {@code --debug}. */
    public static final String DEBUG_ENV = "VGG4J_DEBUG";

    /**
     * What the commands read from their surroundings besides the command line: the environment, and the free space
     * of a file system (replaceable in tests).
     *
     * @param environment environment variable lookup
     * @param freeSpace   free-space probe for run directories
     */
    public record Context(UnaryOperator<String> environment, FreeSpace freeSpace) {
        /**
         * The real environment and file systems.
         *
         * @return a context reading {@link System#getenv(String)} and the file systems' real free space
         */
        public static Context system() {
            return new Context(System::getenv, FreeSpace.system());
        }
    }

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "on an error, also print its stack trace (or set " + DEBUG_ENV + "=1)")
    boolean debug;

    final Context context;

    Main(Context context) {
        this.context = context;
    }

    /** The root command, reading the real environment and file systems ({@link Context#system()}). */
    public Main() {
        this(Context.system());
    }

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
        return execute(args, out, err, Context.system());
    }

    /**
     * Runs {@code args} in {@code context}.
     *
     * @param args    the command line
     * @param out     where the command's output goes
     * @param err     where error lines go (one line per error; a stack trace only with {@code --debug})
     * @param context the environment and free-space probe the commands use
     * @return the exit code (0 success, 1 failure, 2 bad usage, 130/143 interrupted)
     */
    public static int execute(String[] args, PrintWriter out, PrintWriter err, Context context) {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        String env = context.environment().apply(DEBUG_ENV);
        boolean debug = Arrays.asList(args).contains("--debug")
                || env != null && (env.equals("1") || env.equalsIgnoreCase("true"));
        CommandLine cmd = new CommandLine(new Main(context));
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setParameterExceptionHandler((ex, arguments) -> {
            CommandLine where = ex.getCommandLine();
            StringBuilder line = new StringBuilder("error: ").append(ex.getMessage().strip().replace('\n', ' '));
            if (ex instanceof CommandLine.UnmatchedArgumentException u) {
                List<String> suggestions = u.getSuggestions();
                if (!suggestions.isEmpty()) {
                    line.append("; did you mean ").append(String.join(" or ", suggestions)).append('?');
                }
            }
            line.append(" (see '").append(where.getCommandSpec().qualifiedName()).append(" --help')");
            where.getErr().println(line);
            if (debug) {
                ex.printStackTrace(where.getErr());
            }
            return ExitCodes.USAGE;
        });
        cmd.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("error: " + ExitCodes.message(ex, commandLine.getCommandName()));
            if (debug) {
                ex.printStackTrace(commandLine.getErr());
            }
            return ExitCodes.of(ex);
        });
        TrainPreset preset = TrainPreset.requestedBy(args);
        if (preset != null) {
            // The preset's values become the train options' defaults: what the user gives still wins.
            cmd.getSubcommands().get("train").setDefaultValueProvider(preset.defaults());
        }
        return cmd.execute(args);
    }
}
