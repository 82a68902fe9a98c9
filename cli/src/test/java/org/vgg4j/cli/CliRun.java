package org.vgg4j.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * Runs the {@code vgg4j} command in-process for tests and captures its exit code, standard output and standard error.
 *
 * @param exit exit code
 * @param out  standard output
 * @param err  standard error
 */
record CliRun(int exit, String out, String err) {

    static CliRun of(String... args) {
        return in(Main.Context.system(), args);
    }

    /** Runs {@code args} with a given environment and free-space probe. */
    static CliRun in(Main.Context context, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true), context);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** The lines of standard error. */
    java.util.List<String> errLines() {
        return err.lines().toList();
    }
}
