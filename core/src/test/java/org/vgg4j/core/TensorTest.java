package org.vgg4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Host tensors hold float32 or int64 values, and never hand one type out as the other. */
class TensorTest {

    @Test
    void int64TensorsKeepEveryBitAndRefuseFloatAccess() {
        long big = (1L << 53) + 1; // not representable as a double, let alone a float
        Tensor t = Tensor.ofLongs(Shape.of(2, 2), new long[] {0, -3, big, Long.MIN_VALUE});
        assertThat(t.dtype()).isEqualTo(DType.I64);
        assertThat(t.getLong(2)).isEqualTo(big);
        assertThat(t.toLongArray()).containsExactly(0, -3, big, Long.MIN_VALUE);
        assertThat(t.slice(1, 2).toLongArray()).containsExactly(big, Long.MIN_VALUE);
        assertThat(t.reshape(Shape.of(4)).dtype()).isEqualTo(DType.I64);
        assertThatThrownBy(() -> t.get(0)).isInstanceOf(IllegalStateException.class).hasMessageContaining("int64");
        assertThatThrownBy(t::toArray).isInstanceOf(IllegalStateException.class).hasMessageContaining("getLong");
        assertThatThrownBy(t::buffer).isInstanceOf(IllegalStateException.class);
        assertThat(t.toString()).isEqualTo("Tensor[2, 2] I64");
    }

    @Test
    void float32TensorsRefuseLongAccessAndCompareOnlyWithTheirType() {
        Tensor f = Tensor.of(Shape.of(2), new float[] {1.5f, -2f});
        assertThat(f.dtype()).isEqualTo(DType.F32);
        assertThatThrownBy(() -> f.getLong(0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("float32");
        Tensor l = Tensor.ofLongs(Shape.of(2), new long[] {1, -5});
        assertThat(l.maxAbsDiff(Tensor.ofLongs(Shape.of(2), new long[] {1, -2}))).isEqualTo(3);
        assertThat(l.maxAbs()).isEqualTo(5);
        assertThatThrownBy(() -> f.maxAbsDiff(Tensor.zeros(Shape.of(2), DType.I64)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("types differ");
        assertThat(Tensor.zeros(Shape.of(3), DType.I64).toLongArray()).containsExactly(0, 0, 0);
    }

    @Test
    void safetensorsNamesMapToTypes() {
        assertThat(DType.bySafetensorsName("I64")).isEqualTo(DType.I64);
        assertThat(DType.I64.bytes()).isEqualTo(8);
        assertThatThrownBy(() -> DType.bySafetensorsName("BF16")).hasMessageContaining("BF16")
                .hasMessageContaining("[F32, I64]");
    }
}
