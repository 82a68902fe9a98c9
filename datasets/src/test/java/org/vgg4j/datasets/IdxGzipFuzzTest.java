package org.vgg4j.datasets;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import java.util.Arrays;
import org.vgg4j.core.testing.FuzzFiles;

/**
 * Fuzz target: IDX content behind gzip. The input chooses the IDX content and how its gzip stream is damaged (cut
 * short at some byte, one byte changed, or intact); reading must succeed with exactly that content when the stream is
 * intact, and otherwise succeed or throw a {@link DataFormatException} naming the file (see {@link IdxRawFuzzTest}).
 * Regression corpus: {@code src/test/resources/org/vgg4j/datasets/IdxGzipFuzzTestInputs/}.
 */
class IdxGzipFuzzTest {
    private static final Path FILE = FuzzFiles.scratch("fuzz-idx-ubyte.gz");

    @FuzzTest(maxDuration = "30s")
    void gzippedContentEitherReadsBackOrThrowsTheDocumentedException(FuzzedDataProvider data) {
        int cut = data.consumeInt();
        int flipAt = data.consumeInt();
        byte flip = data.consumeByte();
        byte[] content = data.consumeRemainingAsBytes();
        byte[] gz = IdxWriter.gzip(content);
        boolean intact = true;
        if (cut > 0 && cut < gz.length) {
            gz = Arrays.copyOf(gz, cut);
            intact = false;
        }
        if (flip != 0 && flipAt >= 0 && flipAt < gz.length) {
            gz[flipAt] ^= flip;
            intact = false;
        }
        FuzzFiles.write(FILE, gz);
        IdxRawFuzzTest.check(FILE, intact ? content : null);
    }
}
