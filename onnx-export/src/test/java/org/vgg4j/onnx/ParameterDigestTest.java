package org.vgg4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.testing.TestData;

/**
 * The parameter digest hashes exactly the documented byte stream, and tells names, shapes, order and values apart.
 */
class ParameterDigestTest {

    @Test
    void hashesTheDocumentedByteStream() throws Exception {
        // Large enough to cross the digest's internal 64 KiB chunks.
        Parameters p = params("conv.weight", TestData.images(Shape.of(70, 3, 3, 11), 1), "conv.bias",
                TestData.images(Shape.of(70), 2));
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (Map.Entry<String, Tensor> e : p.asMap().entrySet()) {
            stream.write(e.getKey().getBytes(StandardCharsets.UTF_8));
            stream.write(0);
            int[] dims = e.getValue().shape().dims();
            ByteBuffer b = ByteBuffer.allocate(4 * (1 + dims.length + e.getValue().size()))
                    .order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(dims.length);
            for (int d : dims) {
                b.putInt(d);
            }
            for (float v : e.getValue().toArray()) {
                b.putFloat(v);
            }
            stream.write(b.array());
        }
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(stream.toByteArray()));
        assertThat(ParameterDigest.sha256(p)).isEqualTo(expected);
    }

    @Test
    void namesShapesOrderAndValuesAllCount() {
        Tensor a = TestData.images(Shape.of(2, 3), 1);
        Tensor b = TestData.images(Shape.of(3), 2);
        String base = ParameterDigest.sha256(params("a", a, "b", b));
        assertThat(ParameterDigest.sha256(params("a", a, "c", b))).isNotEqualTo(base);
        assertThat(ParameterDigest.sha256(params("a", a.reshape(Shape.of(3, 2)), "b", b))).isNotEqualTo(base);
        assertThat(ParameterDigest.sha256(params("b", b, "a", a))).isNotEqualTo(base);
        float[] changed = a.toArray();
        changed[5] = Math.nextUp(changed[5]);
        assertThat(ParameterDigest.sha256(params("a", Tensor.of(a.shape(), changed), "b", b))).isNotEqualTo(base);
        assertThat(ParameterDigest.sha256(params("a", Tensor.of(a.shape(), a.toArray()), "b", b))).isEqualTo(base);
    }

    private static Parameters params(String n1, Tensor t1, String n2, Tensor t2) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put(n1, t1);
        m.put(n2, t2);
        return Parameters.of(m);
    }
}
