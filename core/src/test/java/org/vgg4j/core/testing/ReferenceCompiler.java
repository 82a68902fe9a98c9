package org.vgg4j.core.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.vgg4j.core.LayerNode;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.layer.Conv2d;
import org.vgg4j.core.layer.Dropout;
import org.vgg4j.core.layer.Flatten;
import org.vgg4j.core.layer.LayerVisitor;
import org.vgg4j.core.layer.Linear;
import org.vgg4j.core.layer.MaxPool2d;
import org.vgg4j.core.layer.Relu;
import org.vgg4j.core.param.Parameters;

/**
 * Binds every leaf layer of a network to its deliberately naive float64 {@link ReferenceOp} for one batch size: the
 * reference's only dispatch over kinds of layers.
 */
final class ReferenceCompiler implements LayerVisitor<ReferenceOp> {
    private final Parameters params;
    private final SplittableRandom masks;
    private LayerNode node;
    private Shape in;

    private ReferenceCompiler(Parameters params, SplittableRandom masks) {
        this.params = params;
        this.masks = masks;
    }

    /**
     * The ops of {@code network}'s leaves for batches of {@code batch}; dropout in training mode draws its masks from
     * {@code masks}, layer by layer and element by element (null: inference only).
     */
    static List<ReferenceOp> compile(Network network, Parameters params, int batch, SplittableRandom masks) {
        ReferenceCompiler compiler = new ReferenceCompiler(params, masks);
        List<ReferenceOp> ops = new ArrayList<>();
        Shape shape = network.sampleShape().prepend(batch);
        for (LayerNode leaf : network.leaves(batch)) {
            compiler.node = leaf;
            compiler.in = shape;
            ops.add(leaf.layer().accept(compiler));
            shape = leaf.outputShape();
        }
        return ops;
    }

    private double[] tensor(String local) {
        Tensor t = params.get(node.path() + "." + local);
        double[] out = new double[t.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.get(i);
        }
        return out;
    }

    private static void add(Map<String, double[]> grads, String name, double[] g) {
        double[] sum = grads.computeIfAbsent(name, k -> new double[g.length]);
        for (int i = 0; i < g.length; i++) {
            sum[i] += g[i];
        }
    }

    @Override
    public ReferenceOp conv2d(Conv2d c) {
        return new ConvOp(c, node.path(), tensor("weight"), tensor("bias"), in, node.outputShape());
    }

    @Override
    public ReferenceOp relu(Relu r) {
        return new ReferenceOp() {
            private double[] x;

            @Override
            public double[] forward(double[] input, boolean training) {
                x = input;
                double[] y = new double[input.length];
                for (int i = 0; i < y.length; i++) {
                    y[i] = Math.max(0, input[i]);
                }
                return y;
            }

            @Override
            public double[] backward(double[] dy, Map<String, double[]> grads) {
                double[] dx = new double[dy.length];
                for (int i = 0; i < dx.length; i++) {
                    dx[i] = x[i] > 0 ? dy[i] : 0;
                }
                return dx;
            }
        };
    }

    @Override
    public ReferenceOp maxPool2d(MaxPool2d m) {
        return new PoolOp(m, in, node.outputShape());
    }

    @Override
    public ReferenceOp flatten(Flatten f) {
        return IDENTITY;
    }

    @Override
    public ReferenceOp linear(Linear l) {
        return new LinearOp(l, node.path(), tensor("weight"), tensor("bias"), in.dim(0));
    }

    @Override
    public ReferenceOp dropout(Dropout d) {
        if (d.p() == 0) {
            return IDENTITY;
        }
        SplittableRandom rng = masks;
        return new ReferenceOp() {
            private double[] mask;

            @Override
            public double[] forward(double[] x, boolean training) {
                if (!training) {
                    mask = null;
                    return x;
                }
                double keep = 1.0 / (1.0 - d.p());
                mask = new double[x.length];
                double[] y = new double[x.length];
                for (int i = 0; i < x.length; i++) {
                    mask[i] = rng.nextDouble() < d.p() ? 0 : keep;
                    y[i] = x[i] * mask[i];
                }
                return y;
            }

            @Override
            public double[] backward(double[] dy, Map<String, double[]> grads) {
                if (mask == null) {
                    return dy;
                }
                double[] dx = new double[dy.length];
                for (int i = 0; i < dx.length; i++) {
                    dx[i] = dy[i] * mask[i];
                }
                return dx;
            }
        };
    }

    /** Flatten (row-major NCHW order already is PyTorch's), and dropout with p = 0. */
    private static final ReferenceOp IDENTITY = new ReferenceOp() {
        @Override
        public double[] forward(double[] x, boolean training) {
            return x;
        }

        @Override
        public double[] backward(double[] dy, Map<String, double[]> grads) {
            return dy;
        }
    };

    private static final class ConvOp implements ReferenceOp {
        private final Conv2d c;
        private final String path;
        private final double[] w;
        private final double[] b;
        private final int n;
        private final int ci;
        private final int h;
        private final int wd;
        private final int co;
        private final int oh;
        private final int ow;
        private double[] x;

        ConvOp(Conv2d c, String path, double[] w, double[] b, Shape in, Shape out) {
            this.c = c;
            this.path = path;
            this.w = w;
            this.b = b;
            n = in.dim(0);
            ci = in.dim(1);
            h = in.dim(2);
            wd = in.dim(3);
            co = out.dim(1);
            oh = out.dim(2);
            ow = out.dim(3);
        }

        /** Every (output, input, weight) index triple of the convolution, output by output. */
        private void forEachTap(Tap tap) {
            int k = c.kernelSize();
            for (int b0 = 0; b0 < n; b0++) {
                for (int o = 0; o < co; o++) {
                    for (int yy = 0; yy < oh; yy++) {
                        for (int xx = 0; xx < ow; xx++) {
                            int out = ((b0 * co + o) * oh + yy) * ow + xx;
                            for (int i = 0; i < ci; i++) {
                                for (int ky = 0; ky < k; ky++) {
                                    int iy = yy * c.stride() - c.padding() + ky;
                                    if (iy < 0 || iy >= h) {
                                        continue;
                                    }
                                    for (int kx = 0; kx < k; kx++) {
                                        int ix = xx * c.stride() - c.padding() + kx;
                                        if (ix >= 0 && ix < wd) {
                                            tap.at(out, ((b0 * ci + i) * h + iy) * wd + ix,
                                                    ((o * ci + i) * k + ky) * k + kx);
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        /** One term of a convolution's sum: output index, input index, weight index. */
        private interface Tap {
            void at(int out, int in, int weight);
        }

        private int channel(int out) {
            return out / (oh * ow) % co;
        }

        @Override
        public double[] forward(double[] input, boolean training) {
            x = input;
            double[] y = new double[n * co * oh * ow];
            for (int i = 0; i < y.length; i++) {
                y[i] = b[channel(i)];
            }
            forEachTap((out, in, weight) -> y[out] += x[in] * w[weight]);
            return y;
        }

        @Override
        public double[] backward(double[] dy, Map<String, double[]> grads) {
            double[] dx = new double[x.length];
            double[] dw = new double[w.length];
            double[] db = new double[b.length];
            for (int i = 0; i < dy.length; i++) {
                db[channel(i)] += dy[i];
            }
            forEachTap((out, in, weight) -> {
                dw[weight] += dy[out] * x[in];
                dx[in] += dy[out] * w[weight];
            });
            add(grads, path + ".weight", dw);
            add(grads, path + ".bias", db);
            return dx;
        }
    }

    private static final class PoolOp implements ReferenceOp {
        private final MaxPool2d m;
        private final int planes;
        private final int h;
        private final int w;
        private final int oh;
        private final int ow;
        private int[] argmax;
        private int inputLength;

        PoolOp(MaxPool2d m, Shape in, Shape out) {
            this.m = m;
            planes = in.dim(0) * in.dim(1);
            h = in.dim(2);
            w = in.dim(3);
            oh = out.dim(2);
            ow = out.dim(3);
        }

        @Override
        public double[] forward(double[] x, boolean training) {
            inputLength = x.length;
            double[] y = new double[planes * oh * ow];
            argmax = new int[y.length];
            for (int p = 0; p < planes; p++) {
                for (int yy = 0; yy < oh; yy++) {
                    for (int xx = 0; xx < ow; xx++) {
                        double max = Double.NEGATIVE_INFINITY;
                        int at = -1;
                        for (int ky = 0; ky < m.kernelSize(); ky++) {
                            for (int kx = 0; kx < m.kernelSize(); kx++) {
                                int i = (p * h + yy * m.stride() + ky) * w + xx * m.stride() + kx;
                                if (x[i] > max) {
                                    max = x[i];
                                    at = i;
                                }
                            }
                        }
                        int o = (p * oh + yy) * ow + xx;
                        y[o] = max;
                        argmax[o] = at;
                    }
                }
            }
            return y;
        }

        @Override
        public double[] backward(double[] dy, Map<String, double[]> grads) {
            double[] dx = new double[inputLength];
            for (int o = 0; o < dy.length; o++) {
                dx[argmax[o]] += dy[o];
            }
            return dx;
        }
    }

    private static final class LinearOp implements ReferenceOp {
        private final String path;
        private final double[] w;
        private final double[] b;
        private final int n;
        private final int fi;
        private final int fo;
        private double[] x;

        LinearOp(Linear l, String path, double[] w, double[] b, int n) {
            this.path = path;
            this.w = w;
            this.b = b;
            this.n = n;
            fi = l.inFeatures();
            fo = l.outFeatures();
        }

        @Override
        public double[] forward(double[] input, boolean training) {
            x = input;
            double[] y = new double[n * fo];
            for (int i = 0; i < n; i++) {
                for (int o = 0; o < fo; o++) {
                    double s = b[o];
                    for (int j = 0; j < fi; j++) {
                        s += x[i * fi + j] * w[o * fi + j];
                    }
                    y[i * fo + o] = s;
                }
            }
            return y;
        }

        @Override
        public double[] backward(double[] dy, Map<String, double[]> grads) {
            double[] dx = new double[x.length];
            double[] dw = new double[w.length];
            double[] db = new double[b.length];
            for (int i = 0; i < n; i++) {
                for (int o = 0; o < fo; o++) {
                    double g = dy[i * fo + o];
                    db[o] += g;
                    for (int j = 0; j < fi; j++) {
                        dw[o * fi + j] += g * x[i * fi + j];
                        dx[i * fi + j] += g * w[o * fi + j];
                    }
                }
            }
            add(grads, path + ".weight", dw);
            add(grads, path + ".bias", db);
            return dx;
        }
    }
}
