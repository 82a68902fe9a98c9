package org.vgg4j.spark;

import java.io.PrintWriter;
import org.apache.spark.SparkException;
import org.vgg4j.core.Vgg4jException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The entry point of the Spark application ({@code vgg4j spark-classify ...} through the launcher, or
 * {@code spark-submit --class org.vgg4j.spark.SparkMain vgg4j-spark.jar spark-classify ...}): errors are one line on
 * stderr, exit code 2 for bad usage and 1 for failures, as every vgg4j command.
 */
@Command(name = "vgg4j", mixinStandardHelpOptions = true, subcommands = SparkClassifyCommand.class,
        description = "vgg4j on Apache Spark.")
public final class SparkMain implements Runnable {

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
     * Runs the command line {@code args} and returns its exit code.
     *
     * @param args the command line
     * @param out  where the command's output goes
     * @param err  where error lines go
     * @return the exit code: 0 success, 1 failure, 2 bad usage
     */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        CommandLine cmd = new CommandLine(new SparkMain());
        cmd.setOut(out);
        cmd.setErr(err);
        boolean debug = java.util.Arrays.asList(args).contains("--debug");
        cmd.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (debug) {
                ex.printStackTrace(commandLine.getErr());
            }
            if (ex instanceof IllegalArgumentException) {
                commandLine.getErr().println("error: " + ex.getMessage());
                return 2;
            }
            Throwable root = ex;
            while (root.getCause() != null && !(root instanceof Vgg4jException)) {
                root = root.getCause();
            }
            if (root instanceof Vgg4jException || ex instanceof UnsupportedOperationException) {
                commandLine.getErr().println("error: " + (root instanceof Vgg4jException ? root : ex).getMessage());
                return 1;
            }
            String message = ex instanceof SparkException ? firstLine(ex.getMessage()) : ex.toString();
            commandLine.getErr().println("error: " + message + (debug ? "" : " (--debug prints the stack trace)"));
            return 1;
        });
        return cmd.execute(args);
    }

    private static String firstLine(String s) {
        int nl = s == null ? -1 : s.indexOf('\n');
        return nl < 0 ? String.valueOf(s) : s.substring(0, nl);
    }
}
