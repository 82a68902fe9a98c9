package org.vgg4j.core.run;

import java.nio.file.Path;

/**
 * Thrown when another run holds the lock of a run directory: {@code run directory X is in use by process N}.
 */
public final class RunDirectoryInUseException extends RunDirectoryException {
    private static final long serialVersionUID = 1L;
    /** The process holding the lock, or -1 if unknown. */
    private final long pid;

    /**
     * Creates the exception; its message names the directory and the process.
     *
     * @param directory the run directory
     * @param pid       the process holding its lock, or -1 if it has not written its id yet
     */
    public RunDirectoryInUseException(Path directory, long pid) {
        super("run directory " + directory + " is in use by " + (pid < 0 ? "another process"
                : "process " + pid + (pid == ProcessHandle.current().pid() ? " (this process)" : ""))
                + ": wait for that run to end, or write this one somewhere else");
        this.pid = pid;
    }

    /**
     * The process holding the lock, or -1 if unknown.
     *
     * @return the lock holder's process id, or -1 if it has not written its id yet
     */
    public long pid() {
        return pid;
    }
}
