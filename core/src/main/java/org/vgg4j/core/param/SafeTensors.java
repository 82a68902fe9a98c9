package org.vgg4j.core.param;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vgg4j.core.DType;
import org.vgg4j.core.ErrorText;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.Vgg4jException;
import org.vgg4j.core.io.AtomicWrite;

/**
 * Reads and writes float32 ({@code F32}) and int64 ({@code I64}) tensors in the safetensors format (loadable by
 * PyTorch's {@code safetensors.torch.load_file});
 * writes are atomic: a crash never leaves a partial file behind.
 */
public final class SafeTensors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER = 100L * 1024 * 1024;
    /** The most elements one tensor may have: the largest Java array. */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;
    private static final long MAX_DATA = Integer.MAX_VALUE - 8;
    /** Header reader: duplicate keys inside a tensor's entry are errors too. */
    private static final ObjectMapper HEADER_JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY).build();

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

    /**
     * Writes {@code tensors} and {@code metadata} to {@code file} atomically (temporary file, then rename).
     *
     * @param file     the destination; replaced if it exists
     * @param tensors  F32 or I64 tensors, written in iteration order
     * @param metadata the {@code __metadata__} string entries; omitted from the header when empty
     */
    public static void write(Path file, Parameters tensors, Map<String, String> metadata) {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (var e : tensors.asMap().entrySet()) {
            ObjectNode node = header.putObject(e.getKey());
            DType dtype = e.getValue().dtype();
            node.put("dtype", dtype.name());
            ArrayNode shape = node.putArray("shape");
            for (int d : e.getValue().shape().dims()) {
                shape.add(d);
            }
            long size = (long) dtype.bytes() * e.getValue().size();
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
                ByteBuffer buf = ByteBuffer.allocate(t.dtype().bytes() * t.size()).order(ByteOrder.LITTLE_ENDIAN);
                if (t.dtype() == DType.I64) {
                    buf.asLongBuffer().put(t.longBuffer());
                } else {
                    buf.asFloatBuffer().put(t.buffer());
                }
                out.write(buf.array());
            }
        });
    }

    /**
     * Reads a safetensors file of F32 and I64 tensors, checking it as strictly as the reference implementation does: the
     * header is one UTF-8 JSON object with no duplicate names and nothing after it but space padding; {@code
     * __metadata__} maps strings to strings; every tensor has a known dtype, a shape of non-negative dimensions that
     * fit an {@code int} and hold at most {@value #MAX_ELEMENTS} elements, and data offsets whose length is exactly
     * shape x dtype; and the tensors' data, in offset order, covers the data section exactly (no overlap, no hole, no
     * trailing bytes).
     *
     * @param file the file to read
     * @return the tensors in file order and the metadata (empty if the file has none)
     * @throws SafeTensorsFormatException naming the file (and the tensor) for any malformation
     * @throws Vgg4jException             naming the file if it cannot be read at all
     */
    public static Contents read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] lenBytes = in.readNBytes(8);
            if (lenBytes.length < 8) {
                throw bad(file, "file is shorter than the 8-byte header length");
            }
            long headerLen = ByteBuffer.wrap(lenBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
            long fileSize = Files.size(file);
            if (headerLen <= 0 || headerLen > MAX_HEADER || headerLen > fileSize - 8) {
                throw bad(file, "header length " + headerLen + " does not fit a file of " + fileSize + " bytes"
                        + (headerLen > MAX_HEADER ? " (at most " + MAX_HEADER + " bytes of header are read)" : ""));
            }
            Map<String, JsonNode> header = parseHeader(file, in.readNBytes((int) headerLen));
            long dataSize = fileSize - 8 - headerLen;
            if (dataSize > MAX_DATA) {
                throw bad(file, "its data section is " + dataSize + " bytes; vgg4j reads at most " + MAX_DATA);
            }
            byte[] data = in.readNBytes((int) dataSize);
            if (data.length != dataSize) {
                throw bad(file, "the file shrank while it was read (" + data.length + " of " + dataSize
                        + " data bytes)");
            }
            Map<String, String> metadata = new LinkedHashMap<>();
            List<Entry> entries = new ArrayList<>();
            for (var f : header.entrySet()) {
                if (f.getKey().equals("__metadata__")) {
                    readMetadata(file, f.getValue(), metadata);
                    continue;
                }
                String name = f.getKey();
                JsonNode node = f.getValue();
                if (!node.isObject()) {
                    throw bad(file, "tensor '" + name + "' is described by " + kind(node) + ", not by an object with "
                            + "dtype, shape and data_offsets");
                }
                if (!node.path("dtype").isTextual()) {
                    throw bad(file, "tensor '" + name + "' has no dtype string (found " + kind(node.path("dtype"))
                            + ")");
                }
                DType dtype;
                try {
                    dtype = DType.bySafetensorsName(node.path("dtype").asText());
                } catch (IllegalArgumentException e) {
                    throw bad(file, "tensor '" + name + "' has dtype " + node.path("dtype").asText() + "; vgg4j reads "
                            + Arrays.toString(DType.values()));
                }
                Shape shape = shape(file, name, node.path("shape"));
                long[] offsets = offsets(file, name, node.path("data_offsets"));
                long begin = offsets[0];
                long end = offsets[1];
                long needed = dtype.bytes() * shape.elementCount();
                if (end > data.length) {
                    throw bad(file, "tensor '" + name + "' " + shape + " has data offsets [" + begin + ", " + end
                            + ") past the end of the " + data.length + " data bytes (truncated?)");
                }
                if (end - begin != needed) {
                    throw bad(file, "tensor '" + name + "' has data offsets [" + begin + ", " + end + "), "
                            + (end - begin) + " bytes, but its shape " + shape + " of " + dtype + " needs " + needed
                            + " bytes (truncated?)");
                }
                entries.add(new Entry(name, shape, dtype, begin, end));
            }
            checkLayout(file, entries, data.length);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Entry e : entries) {
                tensors.put(e.name(), decode(data, e));
            }
            return new Contents(Parameters.of(tensors), metadata);
        } catch (IOException e) {
            throw new Vgg4jException("cannot read safetensors file " + file + ": " + e.getMessage(), e);
        }
    }

    /** One tensor's header entry, checked. */
    private record Entry(String name, Shape shape, DType dtype, long begin, long end) {
    }

    /** The tensor whose little-endian bytes {@code e} locates in {@code data}. */
    private static Tensor decode(byte[] data, Entry e) {
        int n = Math.toIntExact(e.shape().elementCount());
        ByteBuffer bytes = ByteBuffer.wrap(data, (int) e.begin(), (int) (e.end() - e.begin()))
                .order(ByteOrder.LITTLE_ENDIAN);
        if (e.dtype() == DType.I64) {
            long[] values = new long[n];
            bytes.asLongBuffer().get(values);
            return Tensor.wrapLongs(e.shape(), values);
        }
        float[] values = new float[n];
        bytes.asFloatBuffer().get(values);
        return Tensor.wrap(e.shape(), values);
    }

    /** The header's top-level entries in file order; duplicate names, trailing content and bad JSON are errors. */
    private static Map<String, JsonNode> parseHeader(Path file, byte[] bytes) {
        Map<String, JsonNode> entries = new LinkedHashMap<>();
        try (JsonParser p = HEADER_JSON.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw bad(file, "header is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                JsonNode value;
                try {
                    value = HEADER_JSON.readTree(p);
                } catch (JsonProcessingException e) {
                    throw bad(file, "the header entry of tensor '" + name + "' is not valid JSON ("
                            + ErrorText.quote(e.getOriginalMessage()) + ")");
                }
                if (entries.putIfAbsent(name, value) != null) {
                    throw bad(file, "the header names tensor '" + name + "' twice");
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT) {
                throw bad(file, "header is not a JSON object");
            }
            if (p.nextToken() != null) {
                throw bad(file, "the header has content after its JSON object (only space padding may follow)");
            }
        } catch (IOException e) {
            String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new SafeTensorsFormatException("not a valid safetensors file " + file + ": header is not valid JSON ("
                    + ErrorText.quote(why) + ")", e);
        }
        return entries;
    }

    private static void readMetadata(Path file, JsonNode node, Map<String, String> metadata) {
        if (!node.isObject()) {
            throw bad(file, "__metadata__ is " + kind(node) + ", not an object of strings");
        }
        for (var m : (Iterable<Map.Entry<String, JsonNode>>) node::fields) {
            if (!m.getValue().isTextual()) {
                throw bad(file, "__metadata__ entry '" + m.getKey() + "' is " + kind(m.getValue())
                        + "; safetensors metadata values are strings");
            }
            metadata.put(m.getKey(), m.getValue().asText());
        }
    }

    private static Shape shape(Path file, String name, JsonNode node) {
        if (!node.isArray()) {
            throw bad(file, "tensor '" + name + "' has no shape array (found " + kind(node) + ")");
        }
        int[] dims = new int[node.size()];
        for (int i = 0; i < dims.length; i++) {
            JsonNode d = node.get(i);
            if (!d.isIntegralNumber()) {
                throw bad(file, "tensor '" + name + "' dimension " + i + " is " + kind(d) + ", not an integer");
            }
            if (d.bigIntegerValue().signum() < 0) {
                throw bad(file, "tensor '" + name + "' dimension " + i + " is " + d.asText()
                        + "; dimensions are non-negative");
            }
            if (!d.canConvertToInt()) {
                throw bad(file, "tensor '" + name + "' dimension " + i + " is " + d.asText()
                        + ", larger than the largest dimension vgg4j supports (" + Integer.MAX_VALUE + ")");
            }
            dims[i] = d.intValue();
        }
        Shape shape = Shape.of(dims);
        BigInteger elements = BigInteger.ONE;
        for (int d : dims) {
            elements = elements.multiply(BigInteger.valueOf(d));
        }
        if (elements.compareTo(BigInteger.valueOf(MAX_ELEMENTS)) > 0) {
            throw bad(file, "tensor '" + name + "' has shape " + shape + ", " + elements
                    + " elements, more than the " + MAX_ELEMENTS + " a vgg4j tensor can hold");
        }
        return shape;
    }

    private static long[] offsets(Path file, String name, JsonNode node) {
        if (!node.isArray() || node.size() != 2 || !node.get(0).isIntegralNumber() || !node.get(1).isIntegralNumber()
                || !node.get(0).canConvertToLong() || !node.get(1).canConvertToLong()) {
            throw bad(file, "tensor '" + name + "' has data_offsets " + node + "; expected two integers [begin, end]");
        }
        long begin = node.get(0).longValue();
        long end = node.get(1).longValue();
        if (begin < 0 || end < begin) {
            throw bad(file, "tensor '" + name + "' has data offsets [" + begin + ", " + end + "); expected 0 <= begin"
                    + " <= end");
        }
        return new long[] {begin, end};
    }

    /** Sorts {@code entries} by offset and checks they tile {@code [0, dataSize)} exactly. */
    private static void checkLayout(Path file, List<Entry> entries, long dataSize) {
        entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        String previous = null;
        for (Entry e : entries) {
            if (e.begin() < expected) {
                throw bad(file, "tensor '" + e.name() + "' data [" + e.begin() + ", " + e.end()
                        + ") overlaps tensor '" + previous + "' (which ends at " + expected + ")");
            }
            if (e.begin() > expected) {
                throw bad(file, "data bytes [" + expected + ", " + e.begin() + ") before tensor '" + e.name()
                        + "' belong to no tensor (a hole in the data section)");
            }
            expected = e.end();
            previous = e.name();
        }
        if (expected != dataSize) {
            throw bad(file, (dataSize - expected) + " bytes after the end of the last tensor's data"
                    + (previous == null ? "" : " ('" + previous + "')") + " belong to no tensor (trailing garbage)");
        }
    }

    private static String kind(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        String text = node.toString();
        return node.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " "
                + (text.length() > 40 ? text.substring(0, 40) + "..." : text);
    }

    private static SafeTensorsFormatException bad(Path file, String why) {
        return new SafeTensorsFormatException("not a valid safetensors file " + file + ": " + why);
    }
}
