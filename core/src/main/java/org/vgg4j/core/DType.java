package org.vgg4j.core;

import java.util.Arrays;
import java.util.Locale;

/**
 * The element types a host {@link Tensor} can hold, named as the safetensors format names them: {@code F32} for
 * weights, activations and optimizer state, {@code I64} for integer buffers such as PyTorch's
 * {@code num_batches_tracked}.
 */
public enum DType {
    /** IEEE 754 binary32, PyTorch's {@code torch.float32}. */
    F32(4),
    /** Two's-complement 64-bit integer, PyTorch's {@code torch.int64}. */
    I64(8);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /**
     * Bytes per element.
     *
     * @return 4 for {@code F32}, 8 for {@code I64}
     */
    public int bytes() {
        return bytes;
    }

    /**
     * The type named {@code name} in a safetensors header ({@code F32}, {@code I64}), or an exception listing the
     * supported names.
     *
     * @param name the header's dtype string, case-sensitive
     * @return the type
     * @throws IllegalArgumentException if vgg4j does not read that type (e.g. {@code F16}), listing those it reads
     */
    public static DType bySafetensorsName(String name) {
        for (DType t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("dtype " + name + " is not supported; vgg4j reads "
                + Arrays.toString(values()).toUpperCase(Locale.ROOT));
    }
}
