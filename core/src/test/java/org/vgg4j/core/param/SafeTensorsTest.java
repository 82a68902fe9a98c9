package org.vgg4j.core.param;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vgg4j.core.Shape;

/**
 * The safetensors reader refuses every malformed file with a {@link SafeTensorsFormatException} that names the file
 * and the tensor; nothing is read silently wrong (files made byte by byte here, as another writer could make them).
 */
class SafeTensorsTest {
    @TempDir
    Path dir;

    @Test
    void aDimensionBeyondIntIsRefusedNotTruncated() throws IOException {
        // 4294967306 = 2^32 + 10: read as 10 by an int cast, which these 40 data bytes would then fit.
        Path file = file("{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967306],\"data_offsets\":[0,40]}}", 40);
        refused(file).hasMessageContaining("tensor 'w' dimension 0 is 4294967306")
                .hasMessageContaining("larger than the largest dimension vgg4j supports (2147483647)");
    }

    @Test
    void aShapeWithTooManyElementsIsOneClearError() throws IOException {
        // 2^30 * 2^30 * 4 elements: their byte size 2^64 wraps to 0 in a long, matching data_offsets [0, 0].
        Path file = file("{\"big\":{\"dtype\":\"F32\",\"shape\":[1073741824,1073741824,4],\"data_offsets\":[0,0]}}", 0);
        refused(file).hasMessageContaining("tensor 'big' has shape [1073741824, 1073741824, 4], "
                        + "4611686018427387904 elements, more than the 2147483639 a vgg4j tensor can hold");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "negative dimension|{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}|tensor 'w' dimension 0 is -2; dimensions are non-negative",
        "fractional dimension|{\"w\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}}|tensor 'w' dimension 0 is number 2.5, not an integer",
        "string dimension|{\"w\":{\"dtype\":\"F32\",\"shape\":[\"2\"],\"data_offsets\":[0,8]}}|tensor 'w' dimension 0 is string \"2\", not an integer",
        "no shape|{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}|tensor 'w' has no shape array",
        "no dtype|{\"w\":{\"shape\":[2],\"data_offsets\":[0,8]}}|tensor 'w' has no dtype string",
        "unknown dtype|{\"w\":{\"dtype\":\"Q7\",\"shape\":[2],\"data_offsets\":[0,8]}}|tensor 'w' has dtype Q7; vgg4j reads [F32, I64]",
        "entry not an object|{\"w\":[1,2]}|tensor 'w' is described by array [1,2]",
        "offsets as strings|{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[\"0\",\"8\"]}}|tensor 'w' has data_offsets [\"0\",\"8\"]; expected two integers",
        "three offsets|{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4,8]}}|expected two integers [begin, end]",
        "offsets reversed|{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}|tensor 'w' has data offsets [8, 0); expected 0 <= begin <= end",
        "offsets past the data|{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}|tensor 'w' [4] has data offsets [0, 16) past the end of the 8 data bytes (truncated?)",
        "size not shape x dtype|{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,8]}}|tensor 'w' has data offsets [0, 8), 8 bytes, but its shape [1] of F32 needs 4 bytes",
        "duplicate tensor|{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}|the header names tensor 'w' twice",
        "duplicate key in an entry|{\"w\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}|the header entry of tensor 'w' is not valid JSON (Duplicate field 'dtype'",
        "overlap|{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}|tensor 'b' data [4, 8) overlaps tensor 'a' (which ends at 8)",
        "hole|{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,8]}}|data bytes [4, 8) before tensor 'b' belong to no tensor",
        "trailing data|{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}|4 bytes after the end of the last tensor's data ('a') belong to no tensor",
        "metadata not an object|{\"__metadata__\":[\"x\"],\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}|__metadata__ is array [\"x\"], not an object of strings",
        "metadata value not a string|{\"__metadata__\":{\"step\":7},\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}|__metadata__ entry 'step' is number 7; safetensors metadata values are strings",
        "content after the object|{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}} {}|the header has content after its JSON object",
        "header an array|[1,2,3]|header is not a JSON object",
        "control characters in a name|{\"a\\nb\\u001b\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,8]}}|tensor 'a\\nb\\u001b' has dtype F16",
        "header not JSON|{\"w\": nope}|header is not valid JSON",
    })
    void malformedHeadersNameTheFileAndTheTensor(String what, String header, String message) throws IOException {
        Path file = file(header, 8);
        refused(file).hasMessageContaining(message);
    }

    @Test
    void invalidUtf8InTheHeaderIsRefused() throws IOException {
        byte[] header = "{\"w\u00ff\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}"
                .getBytes(StandardCharsets.ISO_8859_1);
        refused(file(header, 8)).hasMessageContaining("header is not valid JSON (Invalid UTF-8");
    }

    @Test
    void headerLengthsThatDoNotFitAreRefused() throws IOException {
        Path tooLong = dir.resolve("long.safetensors");
        Files.write(tooLong, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array());
        refused(tooLong).hasMessageContaining("header length 1099511627776 does not fit a file of 16 bytes")
                .hasMessageContaining("at most 104857600 bytes of header are read");
        Path negative = dir.resolve("negative.safetensors");
        Files.write(negative, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-8).array());
        refused(negative).hasMessageContaining("header length -8 does not fit");
        Path shorter = dir.resolve("short.safetensors");
        Files.write(shorter, new byte[] {1, 2, 3});
        refused(shorter).hasMessageContaining("shorter than the 8-byte header length");
    }

    @Test
    void aValidHandMadeFileReadsInOffsetOrderWithSpacePadding() throws IOException {
        // Tensors listed out of offset order, a zero-size tensor, a scalar, metadata, space padding: all valid.
        String header = "{\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]},"
                + "\"__metadata__\":{\"format\":\"pt\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"empty\":{\"dtype\":\"F32\",\"shape\":[0, 3],\"data_offsets\":[12,12]}}   ";
        ByteBuffer data = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putFloat(1).putFloat(2).putFloat(3);
        SafeTensors.Contents c = SafeTensors.read(file(header.getBytes(StandardCharsets.UTF_8), data.array()));
        assertThat(c.tensors().names()).containsExactly("a", "b", "empty");
        assertThat(c.tensors().get("a").toArray()).containsExactly(1, 2);
        assertThat(c.tensors().get("b").toArray()).containsExactly(3);
        assertThat(c.tensors().get("empty").shape()).isEqualTo(Shape.of(0, 3));
        assertThat(c.metadata()).isEqualTo(Map.of("format", "pt"));
    }

    private AbstractThrowableAssert<?, ? extends Throwable> refused(Path file) {
        return assertThatThrownBy(() -> SafeTensors.read(file))
                .isInstanceOf(SafeTensorsFormatException.class)
                .hasMessageStartingWith("not a valid safetensors file " + file + ": ")
                .hasMessageNotContaining("\n");
    }

    private Path file(String header, int dataBytes) throws IOException {
        return file(header.getBytes(StandardCharsets.UTF_8), new byte[dataBytes]);
    }

    private Path file(byte[] header, int dataBytes) throws IOException {
        return file(header, new byte[dataBytes]);
    }

    private int count;

    private Path file(byte[] header, byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
        out.write(header);
        out.write(data);
        Path file = dir.resolve("case-" + count++ + ".safetensors");
        Files.write(file, out.toByteArray());
        return file;
    }
}
