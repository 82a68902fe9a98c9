package org.vgg4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed bad-input corpus and fuzz seeds are exactly what {@link BadInputFiles} writes, so the code that
 * documents how each file was made stays true. With {@code -Dvgg4j.writeBadInputs=true} it writes them into the source
 * tree instead (then commit the changes).
 */
class BadInputFilesTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    @Test
    void theCommittedFilesAreWhatTheGeneratorWrites() throws IOException {
        if (Boolean.getBoolean("vgg4j.writeBadInputs")) {
            BadInputFiles.writeAll(ROOT);
        }
        BadInputFiles.writeAll(tmp);
        List<Path> made;
        try (Stream<Path> files = Files.walk(tmp)) {
            made = files.filter(Files::isRegularFile).toList();
        }
        assertThat(made).hasSizeGreaterThan(100);
        for (Path f : made) {
            Path committed = ROOT.resolve(tmp.relativize(f).toString());
            assertThat(committed).as("committed as %s (regenerate with -Dvgg4j.writeBadInputs=true)", committed)
                    .exists();
            assertThat(Files.readAllBytes(committed)).as("%s matches what BadInputFiles writes", committed)
                    .isEqualTo(Files.readAllBytes(f));
        }
    }
}
