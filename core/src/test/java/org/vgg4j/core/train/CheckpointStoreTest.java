package org.vgg4j.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vgg4j.core.DType;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.Vgg4jException;
import org.vgg4j.core.config.RunConfig;
import org.vgg4j.core.optim.OptimizerState;
import org.vgg4j.core.param.NonFiniteValueException;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.param.SafeTensors;

/**
 * Loading a checkpoint refuses damaged manifests with one line naming the file and the field, and refuses weights or
 * optimizer state holding NaN or infinity, naming the tensor and the first bad element.
 */
class CheckpointStoreTest {
    @TempDir
    Path dir;
    private Path json;
    private String manifest;

    @BeforeEach
    void save() throws IOException {
        Parameters p = Parameters.of(Map.of("w", Tensor.of(Shape.of(2, 3), new float[] {1, 2, 3, 4, 5, 6})));
        json = new CheckpointStore(dir).save("epoch-001", new Checkpoint(RunConfig.reference(), "reference",
                TrainingPosition.startOf(1), List.of(new EpochMetrics(1, 0.5, 0.8, 0.6, 0.7, 1.5, 40)), p,
                new OptimizerState(3, Map.of("exp_avg", p))));
        manifest = Files.readString(json);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "not JSON|{not json|not a valid vgg4j checkpoint manifest: Invalid character ('n' (code 110))",
        "JSON null|null|it holds JSON null, not an object",
        "an array|[1, 2]|it holds a JSON array, not an object",
        "empty object|{}|it has no formatVersion number",
        "truncated|{\"formatVersion\" : 1, \"createdAt\"|Invalid end-of-input",
    })
    void malformedJsonIsOneLineNamingTheFile(String what, String content, String message) throws IOException {
        Files.writeString(json, content);
        refused().hasMessageContaining(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "epoch a string|\"epoch\" : 1,|\"epoch\" : \"one\",|field 'history[0].epoch': Cannot deserialize value of type `int` from String \"one\"",
        "config a list|re:(?s)\"config\" : \\{.*?\\n  \\}|\"config\" : [ ]|field 'config' is a JSON array, expected an object",
        "history not a list|\"history\" : [ {|\"history\" : 7, \"h\" : [ {|field 'history': Cannot deserialize value",
        "history entry wrong|\"trainLoss\" : 0.5|\"trainLoss\" : [0.5]|field 'history[0].trainLoss': Cannot deserialize value",
        "unknown field|\"position\" : {|\"lost\" : {|unknown field 'lost' (line",
        "no position|re:,\\s*\"position\" : \\{[^}]*\\}||field 'position' is missing or null",
        "position null|re:\"position\" : \\{[^}]*\\}|\"position\" : null|field 'position' is missing or null",
        "weights file null|\"parametersFile\" : \"epoch-001.safetensors\"|\"parametersFile\" : null|field 'parametersFile' is missing or null",
        "optimizer file missing|\"optimizerFile\" : \"epoch-001.optim.safetensors\",||field 'optimizerFile' is missing or null",
        "checksum missing|\"parametersSha256\" : |\"parametersSha256x\" : |unknown field 'parametersSha256x'",
        "checksum not hex|\"optimizerSha256\" : \"|\"optimizerSha256\" : \"zz|field 'optimizerSha256' is 'zz",
        "control characters in a file name (found by fuzzing)|\"optimizerFile\" : \"epoch-001.optim.safetensors\"|\"optimizerFile\" : \"epoc\\n, \\t) i h-001.optim\\u001b[2J\"|field 'optimizerFile' is 'epoc\\n, \\t) i h-001.optim\\u001b[2J', expected the name of a file next to the manifest",
        "weights outside the directory|\"parametersFile\" : \"epoch-001.safetensors\"|\"parametersFile\" : \"../../etc/passwd\"|field 'parametersFile' is '../../etc/passwd', expected the name of a file next to the manifest",
        "negative epoch|\"epoch\" : 1,|\"epoch\" : -4,|field 'position' TrainingPosition[epoch=-4",
        "config value null|\"variant\" : \"vgg11\"|\"variant\" : null|(format version 5): model.variant is missing or null",
        "history entry null|\"history\" : [ {|\"history\" : [ null, {|field 'history[0]' is null",
        "duplicate field|\"backend\" : \"reference\",|\"backend\" : \"reference\", \"backend\" : \"other\",|Duplicate field 'backend'",
        "format version 0|\"formatVersion\" : 5|\"formatVersion\" : 0|formatVersion is 0, expected 1 to 5",
        "trailing content|re:\\}\\s*$|} {|more content follows the manifest's JSON object (line",
    })
    void wrongTypesAndMissingFieldsNameTheField(String what, String from, String to, String message)
            throws IOException {
        String edited = from.startsWith("re:") ? manifest.replaceFirst(from.substring(3), to == null ? "" : to)
                : manifest.replace(from.replace("\\n", "\n"), to == null ? "" : to);
        assertThat(edited).as("the edit applies").isNotEqualTo(manifest);
        Files.writeString(json, edited);
        refused().hasMessageContaining(message);
    }

    @Test
    void nanOrInfiniteWeightsAreRefusedNamingTheTensorAndTheElement() throws IOException {
        Parameters nan = Parameters.of(Map.of("w", Tensor.of(Shape.of(2, 3), new float[] {1, 2, 3, 4, Float.NaN, 6})));
        rewrite("epoch-001.safetensors", nan);
        assertThatThrownBy(() -> CheckpointStore.load(json))
                .isInstanceOf(NonFiniteValueException.class)
                .hasMessageStartingWith("checkpoint weights " + dir.resolve("epoch-001.safetensors")
                        + ": tensor 'w' [2, 3] holds NaN at index 4 (element [1, 1]); 1 of its 6 values are not finite")
                .hasMessageNotContaining("\n");

        Parameters inf = Parameters.of(Map.of("w", Tensor.of(Shape.of(2, 3),
                new float[] {Float.NEGATIVE_INFINITY, 2, 3, 4, 5, Float.POSITIVE_INFINITY})));
        rewrite("epoch-001.safetensors", inf);
        assertThatThrownBy(() -> CheckpointStore.load(json))
                .isInstanceOf(NonFiniteValueException.class)
                .hasMessageContaining("tensor 'w' [2, 3] holds -Infinity at index 0 (element [0, 0]); 2 of its 6");
    }

    @Test
    void nanOptimizerStateIsRefusedToo() throws IOException {
        rewrite("epoch-001.optim.safetensors", Parameters.of(Map.of("exp_avg.w",
                Tensor.of(Shape.of(2, 3), new float[] {0, 0, 0, 0, 0, Float.NaN}))));
        assertThatThrownBy(() -> CheckpointStore.load(json))
                .isInstanceOf(NonFiniteValueException.class)
                .hasMessageContaining("checkpoint optimizer state " + dir.resolve("epoch-001.optim.safetensors"))
                .hasMessageContaining("tensor 'exp_avg.w' [2, 3] holds NaN at index 5 (element [1, 2])");
    }

    @Test
    void theUntouchedCheckpointLoads() {
        Checkpoint cp = CheckpointStore.load(json);
        assertThat(cp.parameters().get("w").toArray()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(cp.optimizer().step()).isEqualTo(3);
    }

    @Test
    void buffersTravelWithTheWeightsInTheirOwnType() {
        // PyTorch's num_batches_tracked is int64; 2^53 + 1 would not survive a round trip through float or double.
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("bn.weight", Tensor.of(Shape.of(2), new float[] {1.5f, -2}));
        tensors.put("bn.running_var", Tensor.of(Shape.of(2), new float[] {0.25f, 4}));
        tensors.put("bn.num_batches_tracked", Tensor.ofLongs(Shape.of(), new long[] {(1L << 53) + 1}));
        Parameters p = Parameters.of(tensors);
        Path saved = new CheckpointStore(dir).save("epoch-001", new Checkpoint(RunConfig.reference(), "reference",
                TrainingPosition.startOf(1), List.of(), p, OptimizerState.initial()));
        Checkpoint cp = CheckpointStore.load(saved);
        assertThat(cp.parameters().names()).containsExactly("bn.weight", "bn.running_var", "bn.num_batches_tracked");
        Tensor count = cp.parameters().get("bn.num_batches_tracked");
        assertThat(count.dtype()).isEqualTo(DType.I64);
        assertThat(count.shape()).isEqualTo(Shape.of());
        assertThat(count.getLong(0)).isEqualTo((1L << 53) + 1);
        assertThat(cp.parameters().get("bn.running_var").toArray()).containsExactly(0.25f, 4);
    }

    /** Replaces a tensor file and records its new checksum in the manifest (a consistent, but bad, checkpoint). */
    private void rewrite(String name, Parameters tensors) throws IOException {
        Path file = dir.resolve(name);
        String before = CheckpointStore.sha256(file);
        SafeTensors.write(file, tensors, Map.of());
        Files.writeString(json, Files.readString(json).replace(before, CheckpointStore.sha256(file)));
    }

    private org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> refused() {
        return assertThatThrownBy(() -> CheckpointStore.load(json))
                .isInstanceOf(Vgg4jException.class)
                .hasMessageStartingWith("checkpoint " + json + " is not a valid vgg4j checkpoint manifest")
                .hasMessageNotContaining("\n");
    }
}
