package org.vgg4j.cli;

import org.vgg4j.core.Vgg4jException;

/**
 * Thrown when the command line itself is wrong: an option value out of its range, options that contradict each other
 * or the checkpoint being resumed; exit code 2 (see {@link ExitCodes}).
 */
public final class UsageException extends Vgg4jException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with the given message.
     *
     * @param message one line saying which option is wrong, the value given and what is expected
     */
    public UsageException(String message) {
        super(message);
    }
}
