package org.vgg4j.core.param;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;

/** {@link FiniteValues} names the first non-finite float32 value and leaves integer buffers alone. */
class FiniteValuesTest {
    @Test
    void finiteFloatsAndIntegerBuffersPass() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("w", Tensor.of(Shape.of(2), new float[] {Float.MAX_VALUE, -0f}));
        m.put("bn.num_batches_tracked", Tensor.ofLongs(Shape.of(), new long[] {Long.MAX_VALUE}));
        Parameters p = Parameters.of(m);
        assertThat(FiniteValues.require(p, "here")).isSameAs(p);
    }

    @Test
    void theFirstBadValueOfTheFirstBadTensorIsNamed() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("ok", Tensor.of(Shape.of(1), new float[] {1}));
        m.put("bad", Tensor.of(Shape.of(2, 2, 2), new float[] {0, 0, 0, Float.POSITIVE_INFINITY, 0, Float.NaN, 0, 0}));
        assertThatThrownBy(() -> FiniteValues.require(Parameters.of(m), "file.safetensors"))
                .isInstanceOf(NonFiniteValueException.class)
                .hasMessageStartingWith("file.safetensors: tensor 'bad' [2, 2, 2] holds Infinity at index 3 "
                        + "(element [0, 1, 1]); 2 of its 8 values are not finite");
    }
}
