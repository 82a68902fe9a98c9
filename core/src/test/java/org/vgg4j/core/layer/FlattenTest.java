package org.vgg4j.core.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.vgg4j.core.Shape;
import org.vgg4j.core.ShapeMismatchException;

/** Flatten's output shape, and a clear error (not an ArithmeticException) when a sample has over 2^31 - 1 values. */
class FlattenTest {
    @Test
    void flattensEverythingAfterTheBatch() {
        assertThat(new Flatten().outputShape("fc.0", Shape.of(2, 512, 7, 7))).isEqualTo(Shape.of(2, 25088));
    }

    @Test
    void tooManyValuesPerSampleIsAShapeErrorNamingTheLayer() {
        // vgg4j summary --image-size 100000032 reached this with [1, 64, 3125001, 3125001] and died of
        // ArithmeticException: integer overflow in Math.toIntExact.
        assertThatThrownBy(() -> new Flatten().outputShape("fc.0", Shape.of(1, 64, 3125001, 3125001)))
                .isInstanceOf(ShapeMismatchException.class).hasMessageContaining("layer 'fc.0'")
                .hasMessageContaining("at most 2147483647 values per sample");
    }
}
