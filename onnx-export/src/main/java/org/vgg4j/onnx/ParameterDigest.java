package org.vgg4j.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import org.vgg4j.core.DType;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.param.Parameters;

/**
 * The SHA-256 digest of a set of parameters, independent of any file format: equal digests mean the same names, shapes
 * and float32 values in the same order.
 *
 * <p>Hashed, for each tensor in iteration order: its UTF-8 name, a zero byte, its rank and dimensions as little-endian
 * int32, then its values as little-endian IEEE-754 float32 (int64 buffers such as {@code num_batches_tracked}: as
 * little-endian int64). Exported ONNX models record it under
 * {@link OnnxMetadata#PARAMETERS_SHA256} so a reader can tell whether a file's weights were altered.
 */
public final class ParameterDigest {
    private ParameterDigest() {
    }

    /**
     * The lower-case hex SHA-256 of {@code parameters}.
     *
     * @param parameters the tensors to hash, in their iteration order; not null
     * @return 64 lower-case hexadecimal characters
     */
    public static String sha256(Parameters parameters) {
        MessageDigest md = newSha256();
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (Map.Entry<String, Tensor> e : parameters.asMap().entrySet()) {
            md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            int[] dims = e.getValue().shape().dims();
            buf.clear();
            buf.putInt(dims.length);
            for (int d : dims) {
                buf.putInt(d);
            }
            buf.flip();
            md.update(buf);
            if (e.getValue().dtype() == DType.I64) {
                ByteBuffer longs = ByteBuffer.allocate(e.getValue().size() * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                longs.asLongBuffer().put(e.getValue().longBuffer());
                md.update(longs.array());
                continue;
            }
            FloatBuffer values = e.getValue().buffer();
            FloatBuffer view = buf.clear().asFloatBuffer();
            while (values.hasRemaining()) {
                int n = Math.min(view.capacity(), values.remaining());
                FloatBuffer chunk = values.slice().limit(n);
                view.clear();
                view.put(chunk);
                values.position(values.position() + n);
                md.update(buf.array(), 0, n * Float.BYTES);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }
}
