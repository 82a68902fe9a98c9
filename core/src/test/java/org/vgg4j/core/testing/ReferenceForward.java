package org.vgg4j.core.testing;

import org.vgg4j.core.LayerNode;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.layer.Conv2d;
import org.vgg4j.core.layer.Dropout;
import org.vgg4j.core.layer.Flatten;
import org.vgg4j.core.layer.Linear;
import org.vgg4j.core.layer.MaxPool2d;
import org.vgg4j.core.layer.Relu;
import org.vgg4j.core.param.Parameters;

/**
 * A plain-Java, float64, deliberately naive forward pass of any core network in inference mode: the ground truth that
 * every backend's logits are compared with.
 */
public final class ReferenceForward {
    private ReferenceForward() {
    }

    /** Logits of {@code network} with {@code params} on {@code images} (NCHW), computed in double precision. */
    public static double[] logits(Network network, Parameters params, Tensor images) {
        network.checkInput(images.shape());
        int batch = images.shape().dim(0);
        double[] x = new double[images.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = images.get(i);
        }
        Shape shape = images.shape();
        for (LayerNode node : network.leaves(batch)) {
            x = apply(node, params, x, shape);
            shape = node.outputShape();
        }
        return x;
    }

    /** Logits as a float32 tensor. */
    public static Tensor logitsTensor(Network network, Parameters params, Tensor images) {
        double[] d = logits(network, params, images);
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return Tensor.wrap(network.outputShape(images.shape()), f);
    }

    /** Mean softmax cross-entropy of {@code network} with {@code params} on {@code images} against {@code labels}. */
    public static double loss(Network network, Parameters params, Tensor images, int[] labels) {
        return crossEntropy(logits(network, params, images), labels);
    }

    /** Mean softmax cross-entropy of {@code logits} ([N, K] row-major) against {@code labels}. */
    public static double crossEntropy(double[] logits, int[] labels) {
        int n = labels.length;
        int k = logits.length / n;
        double total = 0;
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                max = Math.max(max, logits[i * k + j]);
            }
            double sum = 0;
            for (int j = 0; j < k; j++) {
                sum += Math.exp(logits[i * k + j] - max);
            }
            total += Math.log(sum) + max - logits[i * k + labels[i]];
        }
        return total / n;
    }

    private static double[] apply(LayerNode node, Parameters p, double[] x, Shape in) {
        String path = node.path();
        if (node.layer() instanceof Conv2d c) {
            return conv(c, p.get(path + ".weight"), p.get(path + ".bias"), x, in, node.outputShape());
        } else if (node.layer() instanceof Relu) {
            return relu(x);
        } else if (node.layer() instanceof MaxPool2d m) {
            return maxPool(m, x, in, node.outputShape());
        } else if (node.layer() instanceof Linear l) {
            return linear(l, p.get(path + ".weight"), p.get(path + ".bias"), x, in);
        } else if (node.layer() instanceof Flatten || node.layer() instanceof Dropout) {
            return x;
        }
        throw new IllegalStateException("unexpected leaf " + node.layer());
    }

    private static double[] conv(Conv2d c, Tensor w, Tensor b, double[] x, Shape in, Shape out) {
        int n = in.dim(0), ci = in.dim(1), h = in.dim(2), wd = in.dim(3);
        int co = out.dim(1), oh = out.dim(2), ow = out.dim(3), k = c.kernelSize();
        double[] y = new double[(int) out.elementCount()];
        for (int b0 = 0; b0 < n; b0++) {
            for (int o = 0; o < co; o++) {
                for (int yy = 0; yy < oh; yy++) {
                    for (int xx = 0; xx < ow; xx++) {
                        double s = b.get(o);
                        for (int i = 0; i < ci; i++) {
                            for (int ky = 0; ky < k; ky++) {
                                int iy = yy * c.stride() - c.padding() + ky;
                                if (iy < 0 || iy >= h) {
                                    continue;
                                }
                                for (int kx = 0; kx < k; kx++) {
                                    int ix = xx * c.stride() - c.padding() + kx;
                                    if (ix < 0 || ix >= wd) {
                                        continue;
                                    }
                                    s += x[((b0 * ci + i) * h + iy) * wd + ix] * w.get(((o * ci + i) * k + ky) * k + kx);
                                }
                            }
                        }
                        y[((b0 * co + o) * oh + yy) * ow + xx] = s;
                    }
                }
            }
        }
        return y;
    }

    private static double[] relu(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.max(0, x[i]);
        }
        return y;
    }

    private static double[] maxPool(MaxPool2d m, double[] x, Shape in, Shape out) {
        int n = in.dim(0), c = in.dim(1), h = in.dim(2), w = in.dim(3), oh = out.dim(2), ow = out.dim(3);
        double[] y = new double[(int) out.elementCount()];
        for (int b = 0; b < n * c; b++) {
            for (int yy = 0; yy < oh; yy++) {
                for (int xx = 0; xx < ow; xx++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int ky = 0; ky < m.kernelSize(); ky++) {
                        for (int kx = 0; kx < m.kernelSize(); kx++) {
                            max = Math.max(max, x[(b * h + yy * m.stride() + ky) * w + xx * m.stride() + kx]);
                        }
                    }
                    y[(b * oh + yy) * ow + xx] = max;
                }
            }
        }
        return y;
    }

    private static double[] linear(Linear l, Tensor w, Tensor b, double[] x, Shape in) {
        int n = in.dim(0), fi = l.inFeatures(), fo = l.outFeatures();
        double[] y = new double[n * fo];
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < fo; o++) {
                double s = b.get(o);
                for (int j = 0; j < fi; j++) {
                    s += x[i * fi + j] * w.get(o * fi + j);
                }
                y[i * fo + o] = s;
            }
        }
        return y;
    }
}
