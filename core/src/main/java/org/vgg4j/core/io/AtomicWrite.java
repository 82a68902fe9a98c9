package org.vgg4j.core.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vgg4j.core.Vgg4jException;

/**
 * Writes a file so that it either appears complete or not at all: data goes to a temporary sibling with a unique
 * hidden name ({@code .NAME.<random digits>.tmp}) that is renamed over the target, and the temporary file is removed
 * on failure. A process killed while writing leaves that temporary file; {@link #targetOfTemporary} recognises such
 * names so that the next start can remove them.
 */
public final class AtomicWrite {
    /** {@code .NAME.<digits>.tmp}, and {@code .NAME<digits>.tmp} as earlier versions named them. */
    private static final Pattern TEMPORARY = Pattern.compile("\\.(.+?)\\.?\\d+\\.tmp");

    private AtomicWrite() {
    }

    /**
     * The file name whose atomic write left {@code fileName} behind ({@code epoch-001.json} for
     * {@code .epoch-001.json.8371.tmp}), or empty if {@code fileName} is not named like such a temporary file.
     *
     * @param fileName a bare file name, without directory
     * @return the target's file name, or empty
     */
    public static Optional<String> targetOfTemporary(String fileName) {
        Matcher m = TEMPORARY.matcher(fileName);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** Produces a file's bytes. */
    @FunctionalInterface
    public interface Content {
        /**
         * Writes the whole content to {@code out}.
         *
         * @param out the buffered stream to the temporary file; closed by the caller, not by this method
         * @throws IOException if writing fails; the temporary file is then deleted and the target left unchanged
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code content} to {@code file} atomically, creating parent directories.
     *
     * @param file    the target, replaced if it exists; readable by all (rw-r--r--) where POSIX permissions apply
     * @param content produces the bytes
     * @throws Vgg4jException naming {@code file} if any step fails; the target is then unchanged
     */
    public static void write(Path file, Content content) {
        Path target = file.toAbsolutePath();
        Path tmp = null;
        try {
            Files.createDirectories(target.getParent());
            tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp");
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                content.writeTo(out);
            }
            if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
                // createTempFile makes the file owner-only; the result is an ordinary readable file.
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new Vgg4jException("cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temporary file is hidden and named after the target
                }
            }
        }
    }

    /**
     * Writes a UTF-8 string to {@code file} atomically.
     *
     * @param file the target, replaced if it exists
     * @param text the whole content
     * @throws Vgg4jException naming {@code file} if the write fails; the target is then unchanged
     */
    public static void writeString(Path file, String text) {
        write(file, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }
}
