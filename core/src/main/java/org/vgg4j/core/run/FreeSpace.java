package org.vgg4j.core.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tells how many bytes can still be written into an existing directory; {@link #system()} asks the file system, and
 * tests substitute a fixed number.
 */
@FunctionalInterface
public interface FreeSpace {

    /** Usable bytes on the file system holding {@code directory}, which exists. */
    long usableBytes(Path directory) throws IOException;

    /** The file system's own figure ({@link java.nio.file.FileStore#getUsableSpace()}). */
    static FreeSpace system() {
        return directory -> Files.getFileStore(directory).getUsableSpace();
    }
}
