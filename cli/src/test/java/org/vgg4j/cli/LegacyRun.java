package org.vgg4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.vgg4j.core.testing.TestFiles;

/**
 * A copy of {@code legacy-v1-run}, a run written by vgg4j before the typed configuration (format version 1 manifest:
 * {@code vgg4j train --ratio 64 --image-size 32 --train-limit 64 --test-limit 64 --epochs 1 --batch-size 32}, 7,688
 * parameters), for tests that old checkpoints still load, resume, export and refuse conflicting options.
 */
final class LegacyRun {
    private LegacyRun() {
    }

    /** Copies the run into {@code dir/name}; returns the copy. */
    static Path copyTo(Path dir, String name) {
        try {
            Path from = Path.of(LegacyRun.class.getResource("/legacy-v1-run").toURI());
            Path to = dir.resolve(name);
            TestFiles.copyTree(from, to);
            return to;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
