package org.vgg4j.core.param;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.core.DType;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.Vgg4jException;
import org.vgg4j.core.testing.Python;

/**
 * int64 tensors (PyTorch's {@code num_batches_tracked}) survive the safetensors writer and reader exactly, checked
 * against a Python reader and writer that share no code with vgg4j's (json + struct for the header, torch.frombuffer
 * for the data; Debian has no safetensors package). Skipped, with the reason, where python3 with torch is absent.
 */
class SafeTensorsInt64Test {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long BIG = (1L << 53) + 1; // no double holds it: a float round trip would show
    /** What the Python reader printed for the file Java wrote; null where python3 with torch is absent. */
    private static JsonNode pythonRead;
    /** The file the Python writer wrote. */
    private static Path pythonWritten;

    /** Writes the Java file, then reads it and writes its own in one Python run (importing torch is what is slow). */
    @BeforeAll
    static void runPython(@TempDir Path dir) throws Exception {
        Optional<Python> python = Python.withModules("torch, numpy");
        if (python.isEmpty()) {
            return;
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("bn.weight", Tensor.of(Shape.of(3), new float[] {1f, -0.5f, 3.25e-7f}));
        tensors.put("bn.num_batches_tracked", Tensor.ofLongs(Shape.of(), new long[] {BIG}));
        tensors.put("bn.counts", Tensor.ofLongs(Shape.of(2, 2), new long[] {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE}));
        tensors.put("bn.empty", Tensor.zeros(Shape.of(0), DType.I64));
        Path file = dir.resolve("java.safetensors");
        SafeTensors.write(file, Parameters.of(tensors), Map.of("format", "pt"));
        pythonWritten = dir.resolve("python.safetensors");
        String script;
        try (InputStream in = SafeTensorsInt64Test.class.getResourceAsStream("/python/safetensors_dtypes.py")) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Python.Run run = python.get().code(script, "read", file.toString(), "write", pythonWritten.toString());
        assertThat(run.exitCode()).as(run.output()).isZero();
        pythonRead = JSON.readTree(run.output().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow());
    }

    @TempDir
    Path dir;

    @Test
    void javaWritesInt64AndFloat32ThatAnIndependentReaderDecodesExactly() {
        assumeTrue(pythonRead != null, "python3 with torch is not installed (apt-get install python3-torch)");
        JsonNode read = pythonRead;
        System.out.println("python read: " + read);
        assertThat(read.get("bn.num_batches_tracked").get("dtype").asText()).isEqualTo("I64");
        assertThat(read.get("bn.num_batches_tracked").get("shape").size()).isZero();
        assertThat(read.get("bn.num_batches_tracked").get("values").get(0).bigIntegerValue().longValueExact())
                .isEqualTo(BIG);
        JsonNode counts = read.get("bn.counts");
        assertThat(counts.get("shape").toString()).isEqualTo("[2,2]");
        assertThat(List.of(counts.get("values").get(0).asLong(), counts.get("values").get(1).asLong(),
                counts.get("values").get(2).asLong(), counts.get("values").get(3).asLong()))
                .containsExactly(Long.MIN_VALUE, -1L, 0L, Long.MAX_VALUE);
        assertThat(read.get("bn.weight").get("dtype").asText()).isEqualTo("F32");
        assertThat((float) read.get("bn.weight").get("values").get(2).asDouble()).isEqualTo(3.25e-7f);
        assertThat(read.get("bn.empty").get("values").size()).isZero();
    }

    @Test
    void javaReadsInt64AndFloat32WrittenByAnIndependentWriter() {
        assumeTrue(pythonRead != null, "python3 with torch is not installed (apt-get install python3-torch)");
        SafeTensors.Contents contents = SafeTensors.read(pythonWritten);
        Tensor count = contents.tensors().get("fc.0.num_batches_tracked");
        assertThat(count.dtype()).isEqualTo(DType.I64);
        assertThat(count.shape()).isEqualTo(Shape.of());
        assertThat(count.getLong(0)).isEqualTo(BIG);
        Tensor counts = contents.tensors().get("fc.0.counts");
        assertThat(counts.shape()).isEqualTo(Shape.of(2, 3));
        assertThat(counts.toLongArray()).containsExactly(-3L << 40, -2L << 40, -1L << 40, 0, 1L << 40, 2L << 40);
        assertThat(contents.tensors().get("fc.0.weight").toArray()).containsExactly(1.5f, -2.25f, 3.0f, 1e-3f);
        // Our own writer round-trips what it read, byte for byte in value.
        Path again = dir.resolve("again.safetensors");
        SafeTensors.write(again, contents.tensors(), Map.of());
        assertThat(SafeTensors.read(again).tensors().get("fc.0.counts").toLongArray())
                .containsExactly(counts.toLongArray());
    }

    @Test
    void anUnsupportedDtypeNamesTheTensorAndTheSupportedOnes() throws Exception {
        String header = "{\"x\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[0,2]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        byte[] file = new byte[8 + h.length + 2];
        java.nio.ByteBuffer.wrap(file).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h);
        Path path = dir.resolve("bf16.safetensors");
        Files.write(path, file);
        assertThatThrownBy(() -> SafeTensors.read(path)).isInstanceOf(Vgg4jException.class)
                .hasMessageContaining(path.toString()).hasMessageContaining("tensor 'x'")
                .hasMessageContaining("BF16").hasMessageContaining("[F32, I64]");
    }
}
