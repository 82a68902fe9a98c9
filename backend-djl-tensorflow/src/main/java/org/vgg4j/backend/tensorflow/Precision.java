package org.vgg4j.backend.tensorflow;

import ai.djl.ndarray.types.DataType;

/**
 * The floating-point type a TensorFlow session computes in; parameters and results cross the SPI as float32 either
 * way. {@link #FLOAT64} exists for numerical checks (gradients against finite differences), since every kernel the
 * backend uses has a float64 CPU implementation.
 */
public enum Precision {
    /** Single precision, the default: what every backend trains in. */
    FLOAT32(DataType.FLOAT32, 1),
    /** Double precision, for checks; about twice as slow. */
    FLOAT64(DataType.FLOAT64, 2);

    private final DataType dataType;
    private final int tfCode;

    Precision(DataType dataType, int tfCode) {
        this.dataType = dataType;
        this.tfCode = tfCode;
    }

    /** DJL's data type. */
    DataType dataType() {
        return dataType;
    }

    /** TensorFlow's {@code TF_DataType} code ({@code TF_FLOAT} = 1, {@code TF_DOUBLE} = 2). */
    int tfCode() {
        return tfCode;
    }
}
