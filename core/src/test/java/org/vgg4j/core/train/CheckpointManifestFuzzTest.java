package org.vgg4j.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.Vgg4jException;
import org.vgg4j.core.config.RunConfig;
import org.vgg4j.core.optim.OptimizerState;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.testing.FuzzFiles;

/**
 * Fuzz target: {@link CheckpointStore#load} and {@link CheckpointStore#latest} of a directory holding valid weights
 * and optimizer files and a fuzzed manifest either load a checkpoint or throw a {@link Vgg4jException} whose one-line
 * message names a file of that directory; anything else is a finding. The seed manifest in the regression corpus
 * ({@code src/test/resources/org/vgg4j/core/train/CheckpointManifestFuzzTestInputs/}) carries the checksums of the
 * fixed tensor files written here, so mutations of it reach everything after the checksum checks.
 */
class CheckpointManifestFuzzTest {
    private static final Path MANIFEST = FuzzFiles.scratch("epoch-001.json");
    private static final Path DIR = MANIFEST.getParent();
    private static final Parameters WEIGHTS = Parameters.of(Map.of("w",
            Tensor.of(Shape.of(2, 3), new float[] {1, 2, 3, 4, 5, 6})));

    static {
        // Fixed tensor files (their SHA-256 is in the seed manifest); the manifest written here is overwritten by
        // every input.
        new CheckpointStore(DIR).save("epoch-001", new Checkpoint(RunConfig.reference(), "reference",
                TrainingPosition.startOf(1), List.of(new EpochMetrics(1, 0.5, 0.75, 0.5, 0.75, 1.5, 8)), WEIGHTS,
                new OptimizerState(3, Map.of("exp_avg", WEIGHTS))));
        DIR.resolve("epoch-001.safetensors").toFile().deleteOnExit();
        DIR.resolve("epoch-001.optim.safetensors").toFile().deleteOnExit();
    }

    @Test
    void theSeedManifestLoads() throws IOException {
        // If this fails, the fixture above changed: regenerate the seeds (integration-tests' BadInputFilesTest).
        try (InputStream seed = getClass().getResourceAsStream(
                "CheckpointManifestFuzzTestInputs/loadEitherSucceedsOrThrowsTheDocumentedException/valid")) {
            FuzzFiles.write(MANIFEST, seed.readAllBytes());
        }
        assertThat(CheckpointStore.load(MANIFEST).parameters().get("w").toArray()).containsExactly(1, 2, 3, 4, 5, 6);
    }

    @FuzzTest(maxDuration = "30s")
    @DictionaryEntries({"\"formatVersion\"", "\"position\"", "\"history\"", "\"config\"", "\"parametersFile\"",
        "\"optimizerFile\"", "\"parametersSha256\"", "\"optimizerSha256\"", "\"optimizerStep\"", "\"epoch\"",
        "\"batch\"", "null", "NaN", "-1", "2147483648", "\"../x\"", "epoch-001.optim.safetensors"})
    void loadEitherSucceedsOrThrowsTheDocumentedException(byte[] data) {
        FuzzFiles.write(MANIFEST, data);
        Checkpoint cp;
        try {
            cp = CheckpointStore.load(MANIFEST);
        } catch (Vgg4jException e) {
            assertThat(e.getMessage()).contains(DIR.toString()).doesNotContain("\n");
            return;
        }
        assertThat(cp.position()).isNotNull();
        assertThat(cp.position().epoch()).isNotNegative();
        assertThat(cp.config()).isNotNull();
        assertThat(cp.history()).doesNotContainNull();
        assertThat(cp.parameters().names()).isNotEmpty();
        assertThat(CheckpointStore.latest(DIR)).contains(MANIFEST);
    }
}
