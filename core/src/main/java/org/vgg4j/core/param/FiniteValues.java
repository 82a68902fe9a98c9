package org.vgg4j.core.param;

import java.util.Locale;
import org.vgg4j.core.DType;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;

/**
 * The check every loader applies to parameters read from a file: each float32 value is finite, else a
 * {@link NonFiniteValueException} names the tensor and its first NaN or infinity (a network with such a weight
 * computes NaN logits, a wrong result that nothing else would report).
 */
public final class FiniteValues {
    private FiniteValues() {
    }

    /**
     * Returns {@code parameters} if every value is finite.
     *
     * @param parameters the tensors to check; only F32 tensors are scanned (I64 buffers cannot hold NaN)
     * @param source what they were read from, for the message (e.g. {@code "checkpoint weights runs/x/epoch-001.safetensors"})
     * @return {@code parameters} itself, unchanged
     * @throws NonFiniteValueException naming the first tensor with a non-finite value, that value's index and the count
     */
    public static Parameters require(Parameters parameters, String source) {
        for (var e : parameters.asMap().entrySet()) {
            Tensor t = e.getValue();
            if (t.dtype() != DType.F32) {
                continue; // integer buffers (num_batches_tracked) are finite by construction
            }
            int first = -1;
            int bad = 0;
            for (int i = 0; i < t.size(); i++) {
                if (!Float.isFinite(t.get(i))) {
                    if (first < 0) {
                        first = i;
                    }
                    bad++;
                }
            }
            if (first >= 0) {
                throw new NonFiniteValueException(String.format(Locale.ROOT,
                        "%s: tensor '%s' %s holds %s at index %d (element %s); %d of its %d values are not finite. "
                        + "Weights like these give NaN predictions: the run that wrote them diverged or the file was "
                        + "altered", source, e.getKey(), t.shape(), t.get(first), first,
                        element(t.shape(), first), bad, t.size()));
            }
        }
        return parameters;
    }

    /** The multi-dimensional index of flat index {@code flat} in {@code shape}, e.g. {@code [2, 0, 1, 1]}. */
    private static String element(Shape shape, int flat) {
        int[] index = new int[shape.rank()];
        int rest = flat;
        for (int axis = shape.rank() - 1; axis >= 0; axis--) {
            int d = shape.dim(axis);
            index[axis] = rest % d;
            rest /= d;
        }
        return java.util.Arrays.toString(index);
    }
}
