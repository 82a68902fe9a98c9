package org.vgg4j.core.param;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import java.util.Map;
import org.vgg4j.core.testing.FuzzFiles;

/**
 * Fuzz target: {@link SafeTensors#read} on any bytes either returns tensors that survive a write/read round trip or
 * throws a {@link SafeTensorsFormatException} whose one-line message names the file; anything else (another exception,
 * an error, a hang) is a finding. Regression corpus: {@code src/test/resources/org/vgg4j/core/param/SafeTensorsFuzzTestInputs/}.
 */
class SafeTensorsFuzzTest {
    private static final Path FILE = FuzzFiles.scratch("fuzz.safetensors");
    private static final Path COPY = FuzzFiles.scratch("copy.safetensors");

    @FuzzTest(maxDuration = "30s")
    @DictionaryEntries({"\"dtype\"", "\"F32\"", "\"shape\"", "\"data_offsets\"", "\"__metadata__\"", "4294967306",
        "1073741824", "-1", "[0,0]", "{}", "\"I64\"", "1e3", "null"})
    void readEitherSucceedsOrThrowsTheDocumentedException(byte[] data) {
        FuzzFiles.write(FILE, data);
        SafeTensors.Contents contents;
        try {
            contents = SafeTensors.read(FILE);
        } catch (SafeTensorsFormatException e) {
            assertThat(e.getMessage()).startsWith("not a valid safetensors file " + FILE + ": ").doesNotContain("\n");
            return;
        }
        SafeTensors.write(COPY, contents.tensors(), contents.metadata());
        SafeTensors.Contents again = SafeTensors.read(COPY);
        assertThat(again.tensors().names()).containsExactlyElementsOf(contents.tensors().names());
        for (Map.Entry<String, org.vgg4j.core.Tensor> e : contents.tensors().asMap().entrySet()) {
            assertThat(again.tensors().get(e.getKey()).shape()).isEqualTo(e.getValue().shape());
            assertThat(again.tensors().get(e.getKey()).toArray()).isEqualTo(e.getValue().toArray());
        }
        assertThat(again.metadata()).isEqualTo(contents.metadata());
    }
}
