package org.vgg4j.backend.tensorflow;

import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.family.TNumber;

/**
 * The floating-point type a TensorFlow session computes in; parameters and results cross the SPI as float32 either
 * way. {@link #FLOAT64} exists for numerical checks (gradients against finite differences), since every kernel the
 * backend uses has a float64 CPU implementation (batch norm excepted, which a float64 graph writes element-wise).
 */
public enum Precision {
    /** Single precision, the default: what every backend trains in. */
    FLOAT32(TFloat32.class),
    /** Double precision, for checks; about twice as slow. */
    FLOAT64(TFloat64.class);

    private final Class<? extends TNumber> type;

    Precision(Class<? extends TNumber> type) {
        this.type = type;
    }

    /** TF-Java's tensor type. */
    @SuppressWarnings("unchecked")
    Class<TNumber> type() {
        return (Class<TNumber>) type;
    }
}
