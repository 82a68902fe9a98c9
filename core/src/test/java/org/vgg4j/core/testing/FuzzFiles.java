package org.vgg4j.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Scratch files for fuzz targets whose parser reads a path: one file per target, rewritten with each input and deleted
 * when the JVM exits.
 */
public final class FuzzFiles {
    private FuzzFiles() {
    }

    /** A fresh empty file in a new temporary directory, named {@code name}. */
    public static Path scratch(String name) {
        try {
            Path dir = Files.createTempDirectory("vgg4j-fuzz");
            dir.toFile().deleteOnExit();
            Path file = dir.resolve(name);
            Files.write(file, new byte[0]);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replaces the content of {@code file} with {@code bytes}. */
    public static Path write(Path file, byte[] bytes) {
        try {
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
