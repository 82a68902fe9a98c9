package org.vgg4j.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** File helpers for tests: copying a directory tree. */
public final class TestFiles {
    private TestFiles() {
    }

    /** Copies {@code from} (a directory) to {@code to}, which must not exist yet, with everything in it. */
    public static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path f : walk.toList()) {
                Path d = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(d);
                } else {
                    Files.copy(f, d);
                }
            }
        }
    }
}
