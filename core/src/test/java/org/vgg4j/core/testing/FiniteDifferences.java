package org.vgg4j.core.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import org.vgg4j.core.Network;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.param.Parameters;

/**
 * Central finite differences of the float64 reference cross-entropy ({@link ReferenceForward}) with respect to one
 * parameter element: the ground truth the backends' gradient checks compare with.
 */
public final class FiniteDifferences {
    private FiniteDifferences() {
    }

    /**
     * d loss / d {@code params[name][index]} as {@code (L(w + h) - L(w - h)) / ((w + h) - (w - h))}, where both points
     * are rounded to float32 (the parameters' type) and the divisor is the distance between the rounded points.
     */
    public static double centralDifference(Network network, Parameters params, String name, int index, double h,
            Tensor images, int[] labels) {
        float[] values = params.get(name).toArray();
        float original = values[index];
        float plus = (float) (original + h);
        float minus = (float) (original - h);
        values[index] = plus;
        double lossPlus = ReferenceForward.loss(network, with(params, name, values), images, labels);
        values[index] = minus;
        double lossMinus = ReferenceForward.loss(network, with(params, name, values), images, labels);
        return (lossPlus - lossMinus) / ((double) plus - (double) minus);
    }

    /**
     * The largest error of {@code gradients} (a backend's, of the loss on {@code images} and {@code labels}) against
     * the central difference with step {@code h} of every element, relative to each tensor's largest difference;
     * fails if a tensor's differences are all zero (the check would mean nothing).
     */
    public static double worstRelativeError(Network network, Parameters params, Parameters gradients, double h,
            Tensor images, int[] labels) {
        double worst = 0;
        for (String name : gradients.names()) {
            Tensor g = gradients.get(name);
            double maxFd = 0;
            double maxErr = 0;
            for (int i = 0; i < g.size(); i++) {
                double fd = centralDifference(network, params, name, i, h, images, labels);
                maxFd = Math.max(maxFd, Math.abs(fd));
                maxErr = Math.max(maxErr, Math.abs(fd - g.get(i)));
            }
            if (maxFd == 0) {
                throw new AssertionError("finite differences of " + name + " are all zero");
            }
            System.out.printf("gradient %-24s max |fd| %.3e  max err %.3e  relative %.3e%n", name, maxFd, maxErr,
                    maxErr / maxFd);
            worst = Math.max(worst, maxErr / maxFd);
        }
        return worst;
    }

    /** {@code params} with tensor {@code name} replaced by a copy of {@code values}. */
    private static Parameters with(Parameters params, String name, float[] values) {
        Map<String, Tensor> map = new LinkedHashMap<>(params.asMap());
        map.put(name, Tensor.of(params.get(name).shape(), values));
        return Parameters.of(map);
    }
}
