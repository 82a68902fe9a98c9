package org.vgg4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Locale;
import org.vgg4j.core.Vgg4jException;
import org.vgg4j.core.spi.UnknownBackendException;
import picocli.CommandLine;

/**
 * The exit codes of every {@code vgg4j} command, and the one place that maps an error to its exit code and its
 * one-line message:
 *
 * <table>
 * <caption>exit codes</caption>
 * <tr><th>code</th><th>meaning</th><th>errors</th></tr>
 * <tr><td>0</td><td>success</td><td></td></tr>
 * <tr><td>1</td><td>failure: the command line is fine, but something it names cannot be used or the work failed</td>
 * <td>{@link Vgg4jException} (missing data, unreadable or corrupt checkpoint, run directory in use, not writable
 * or full, backend or device unusable here, diverged training), {@link UnsupportedOperationException}, I/O errors,
 * out of memory, and (last resort) any other exception</td></tr>
 * <tr><td>2</td><td>bad usage: the command line itself is wrong</td><td>picocli's parse errors (unknown option,
 * value of the wrong type), {@link UsageException} (value out of range, options that contradict each other or the
 * checkpoint resumed), {@link UnknownBackendException}, {@link IllegalArgumentException}</td></tr>
 * <tr><td>130</td><td>stopped by Ctrl-C (SIGINT) after saving a checkpoint</td><td></td></tr>
 * <tr><td>143</td><td>stopped by SIGTERM after saving a checkpoint (the JVM's own code for it)</td><td></td></tr>
 * </table>
 *
 * <p>An unexpected exception (a bug) still gives one line naming the command, the exception and its message; the
 * stack trace is printed only with {@code --debug} or {@code VGG4J_DEBUG=1}.
 */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;
    /** A failure (see the class comment). */
    public static final int FAILURE = 1;
    /** Bad usage (see the class comment). */
    public static final int USAGE = 2;
    /** Stopped by Ctrl-C after saving. */
    public static final int INTERRUPTED = 130;
    /** Stopped by SIGTERM after saving (the JVM exits with it by itself). */
    public static final int TERMINATED = 143;

    private ExitCodes() {
    }

    /**
     * The exit code for {@code error}.
     *
     * @param error what a command threw; its causes are searched for a {@link Vgg4jException}
     * @return {@link #USAGE} for a usage error (see the class comment), else {@link #FAILURE}
     */
    public static int of(Throwable error) {
        Throwable t = known(error);
        if (t instanceof CommandLine.ParameterException || t instanceof UsageException
                || t instanceof UnknownBackendException || t instanceof IllegalArgumentException) {
            return USAGE;
        }
        return FAILURE;
    }

    /**
     * The one-line message for {@code error}, raised by {@code vgg4j command}.
     *
     * @param error   what the command threw; its causes are searched for a {@link Vgg4jException}
     * @param command the sub-command's name, e.g. {@code train}, cited for I/O errors, out of memory and bugs
     * @return the message without an {@code error:} prefix
     */
    public static String message(Throwable error, String command) {
        Throwable t = known(error);
        if (t instanceof Vgg4jException || t instanceof IllegalArgumentException
                || t instanceof UnsupportedOperationException || t instanceof CommandLine.ParameterException) {
            return String.valueOf(t.getMessage());
        }
        if (t instanceof UncheckedIOException u && u.getCause() != null) {
            t = u.getCause();
        }
        if (t instanceof IOException io) {
            return describe(io);
        }
        if (t instanceof OutOfMemoryError oom) {
            return "vgg4j " + command + " ran out of memory (" + oom.getMessage() + "): use a smaller --batch-size or "
                    + "model, or give the JVM more heap, e.g. VGG4J_JAVA_OPTS=-Xmx16g";
        }
        return "vgg4j " + command + " failed unexpectedly: " + t.getClass().getSimpleName()
                + (t.getMessage() == null ? "" : ": " + firstLine(t.getMessage()))
                + " (a bug: please report it with the output of --debug)";
    }

    /** Whether {@code error} is a bug rather than a reported condition. */
    static boolean unexpected(Throwable error) {
        Throwable t = known(error);
        return !(t instanceof Vgg4jException || t instanceof IllegalArgumentException
                || t instanceof UnsupportedOperationException || t instanceof CommandLine.ParameterException
                || t instanceof IOException || t instanceof UncheckedIOException || t instanceof OutOfMemoryError);
    }

    /** {@code error}, or the first {@link Vgg4jException} among its causes when {@code error} itself is not one. */
    private static Throwable known(Throwable error) {
        if (error instanceof Vgg4jException) {
            return error;
        }
        for (Throwable c = error.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c instanceof Vgg4jException) {
                return c;
            }
        }
        return error;
    }

    private static String describe(IOException e) {
        if (e instanceof NoSuchFileException f) {
            return "no such file or directory: " + f.getFile();
        }
        if (e instanceof AccessDeniedException f) {
            return "permission denied: " + f.getFile();
        }
        if (e instanceof FileSystemException f) {
            return f.getFile() + ": " + (f.getReason() != null ? f.getReason().toLowerCase(Locale.ROOT)
                    : e.getClass().getSimpleName());
        }
        return "I/O error: " + (e.getMessage() != null ? firstLine(e.getMessage()) : e.getClass().getSimpleName());
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
