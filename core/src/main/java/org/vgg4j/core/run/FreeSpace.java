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

    /**
     * Usable bytes on the file system holding {@code directory}, which exists.
     *
     * @param directory an existing directory
     * @return bytes this process can still write there, >= 0
     * @throws IOException if the file system cannot be queried
     */
    long usableBytes(Path directory) throws IOException;

    /**
     * The file system's own figure ({@link java.nio.file.FileStore#getUsableSpace()}).
     *
     * @return a free-space source that asks the directory's file store on every call
     */
    static FreeSpace system() {
        return directory -> Files.getFileStore(directory).getUsableSpace();
    }
}
