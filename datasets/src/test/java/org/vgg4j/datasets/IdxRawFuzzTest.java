package org.vgg4j.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import java.util.Arrays;
import org.vgg4j.core.testing.FuzzFiles;

/**
 * Fuzz target: {@link IdxReader} reading any file (raw IDX, or gzip when it starts with the gzip magic) as images and
 * as labels either returns data consistent with its header or throws a {@link DataFormatException} whose one-line
 * message names the file; anything else is a finding. Regression corpus:
 * {@code src/test/resources/org/vgg4j/datasets/IdxRawFuzzTestInputs/}.
 */
class IdxRawFuzzTest {
    private static final Path FILE = FuzzFiles.scratch("fuzz-idx-ubyte");

    @FuzzTest(maxDuration = "30s")
    void readEitherSucceedsOrThrowsTheDocumentedException(byte[] data) {
        FuzzFiles.write(FILE, data);
        boolean gzip = data.length >= 2 && data[0] == 0x1f && data[1] == (byte) 0x8b;
        check(FILE, gzip ? null : data);
    }

    /** Reads {@code file} both ways; {@code content} is its decompressed content when known (null otherwise). */
    static void check(Path file, byte[] content) {
        try {
            IdxImages images = IdxReader.readImages(file, null);
            assertThat((long) images.count() * images.imageBytes()).isEqualTo(images.pixels().length);
            if (content != null) {
                assertThat(content).hasSize(16 + images.pixels().length);
                assertThat(images.pixels()).isEqualTo(Arrays.copyOfRange(content, 16, content.length));
            }
        } catch (DataFormatException e) {
            assertThat(e.getMessage()).contains(file.toString()).doesNotContain("\n");
        }
        try {
            IdxLabels labels = IdxReader.readLabels(file, null);
            assertThat(labels.labels()).hasSize(labels.count());
            if (content != null) {
                assertThat(labels.labels()).isEqualTo(Arrays.copyOfRange(content, 8, content.length));
            }
        } catch (DataFormatException e) {
            assertThat(e.getMessage()).contains(file.toString()).doesNotContain("\n");
        }
    }
}
