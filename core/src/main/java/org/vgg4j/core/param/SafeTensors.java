package org.vgg4j.core.param;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.Vgg4jException;
import org.vgg4j.core.io.AtomicWrite;

/**
 * Reads and writes float32 tensors in the safetensors format (loadable by PyTorch's {@code safetensors.torch.load_file});
 * writes are atomic: a crash never leaves a partial file behind.
 */
public final class SafeTensors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER = 100L * 1024 * 1024;

    private SafeTensors() {
    }

    /**
     * A file's tensors and its string metadata.
     *
     * @param tensors  the tensors in file order
     * @param metadata the {@code __metadata__} entries
     */
    public record Contents(Parameters tensors, Map<String, String> metadata) {
    }

    /** Writes {@code tensors} and {@code metadata} to {@code file} atomically (temporary file, then rename). */
    public static void write(Path file, Parameters tensors, Map<String, String> metadata) {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (var e : tensors.asMap().entrySet()) {
            ObjectNode node = header.putObject(e.getKey());
            node.put("dtype", "F32");
            ArrayNode shape = node.putArray("shape");
            for (int d : e.getValue().shape().dims()) {
                shape.add(d);
            }
            long size = 4L * e.getValue().size();
            node.putArray("data_offsets").add(offset).add(offset + size);
            offset += size;
        }
        byte[] headerBytes;
        try {
            headerBytes = JSON.writeValueAsBytes(header);
        } catch (IOException e) {
            throw new Vgg4jException("cannot encode safetensors header", e);
        }
        int padded = (headerBytes.length + 7) / 8 * 8;
        byte[] headerPadded = new byte[padded];
        System.arraycopy(headerBytes, 0, headerPadded, 0, headerBytes.length);
        for (int i = headerBytes.length; i < padded; i++) {
            headerPadded[i] = ' ';
        }
        AtomicWrite.write(file, out -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            out.write(len.array());
            out.write(headerPadded);
            for (Tensor t : tensors.asMap().values()) {
                ByteBuffer buf = ByteBuffer.allocate(4 * t.size()).order(ByteOrder.LITTLE_ENDIAN);
                buf.asFloatBuffer().put(t.buffer());
                out.write(buf.array());
            }
        });
    }

    /** Reads a safetensors file of float32 tensors; any malformation is reported with the file's name. */
    public static Contents read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] lenBytes = in.readNBytes(8);
            if (lenBytes.length < 8) {
                throw bad(file, "file is shorter than the 8-byte header length");
            }
            long headerLen = ByteBuffer.wrap(lenBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
            long fileSize = Files.size(file);
            if (headerLen <= 0 || headerLen > MAX_HEADER || headerLen > fileSize - 8) {
                throw bad(file, "header length " + headerLen + " does not fit a file of " + fileSize + " bytes");
            }
            JsonNode header;
            try {
                header = JSON.readTree(new String(in.readNBytes((int) headerLen), StandardCharsets.UTF_8).trim());
            } catch (IOException e) {
                throw bad(file, "header is not valid JSON (" + e.getMessage() + ")");
            }
            if (header == null || !header.isObject()) {
                throw bad(file, "header is not a JSON object");
            }
            long dataSize = fileSize - 8 - headerLen;
            byte[] data = in.readNBytes((int) Math.min(Integer.MAX_VALUE, dataSize));
            Map<String, String> metadata = new LinkedHashMap<>();
            List<Map.Entry<Long, Map.Entry<String, Tensor>>> byOffset = new ArrayList<>();
            Iterator<Map.Entry<String, JsonNode>> fields = header.fields();
            while (fields.hasNext()) {
                var f = fields.next();
                if (f.getKey().equals("__metadata__")) {
                    f.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                JsonNode node = f.getValue();
                String dtype = node.path("dtype").asText();
                if (!dtype.equals("F32")) {
                    throw bad(file, "tensor '" + f.getKey() + "' has dtype " + dtype + "; only F32 is supported");
                }
                JsonNode shapeNode = node.path("shape");
                int[] dims = new int[shapeNode.size()];
                for (int i = 0; i < dims.length; i++) {
                    dims[i] = shapeNode.get(i).asInt();
                }
                Shape shape = Shape.of(dims);
                long begin = node.path("data_offsets").path(0).asLong(-1);
                long end = node.path("data_offsets").path(1).asLong(-1);
                if (begin < 0 || end > data.length || end - begin != 4 * shape.elementCount()) {
                    throw bad(file, "tensor '" + f.getKey() + "' " + shape + " has data offsets [" + begin + ", "
                            + end + ") that do not fit its shape or the " + data.length + " data bytes (truncated?)");
                }
                float[] values = new float[Math.toIntExact(shape.elementCount())];
                ByteBuffer.wrap(data, (int) begin, (int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer()
                        .get(values);
                byOffset.add(Map.entry(begin, Map.entry(f.getKey(), Tensor.wrap(shape, values))));
            }
            byOffset.sort(Map.Entry.comparingByKey());
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            byOffset.forEach(e -> tensors.put(e.getValue().getKey(), e.getValue().getValue()));
            return new Contents(Parameters.of(tensors), metadata);
        } catch (IOException e) {
            throw new Vgg4jException("cannot read safetensors file " + file + ": " + e.getMessage(), e);
        }
    }

    private static Vgg4jException bad(Path file, String why) {
        return new Vgg4jException("not a valid safetensors file " + file + ": " + why);
    }
}
