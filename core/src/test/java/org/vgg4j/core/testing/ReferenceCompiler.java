package org.vgg4j.core.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.vgg4j.core.DType;
import org.vgg4j.core.LayerNode;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.layer.AdaptiveAvgPool2d;
import org.vgg4j.core.layer.AvgPool2d;
import org.vgg4j.core.layer.BatchNorm2d;
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
            out[i] = t.dtype() == DType.I64 ? t.getLong(i) : t.get(i);
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

    @Override
    public ReferenceOp batchNorm2d(BatchNorm2d b) {
        return new BatchNormOp(b, node.path(), tensor("weight"), tensor("bias"), tensor("running_mean"),
                tensor("running_var"), tensor("num_batches_tracked")[0], in);
    }

    @Override
    public ReferenceOp adaptiveAvgPool2d(AdaptiveAvgPool2d a) {
        int h = in.dim(2);
        int w = in.dim(3);
        return new AvgOp(in, node.outputShape(), (oy, ox, window) -> {
            int y0 = AdaptiveAvgPool2d.binStart(oy, h, a.outH());
            int y1 = AdaptiveAvgPool2d.binEnd(oy, h, a.outH());
            int x0 = AdaptiveAvgPool2d.binStart(ox, w, a.outW());
            int x1 = AdaptiveAvgPool2d.binEnd(ox, w, a.outW());
            double count = (double) (y1 - y0) * (x1 - x0);
            for (int y = y0; y < y1; y++) {
                for (int x = x0; x < x1; x++) {
                    window.at(y * w + x, 1 / count);
                }
            }
        });
    }

    @Override
    public ReferenceOp avgPool2d(AvgPool2d a) {
        int h = in.dim(2);
        int w = in.dim(3);
        int k = a.kernelSize();
        return new AvgOp(in, node.outputShape(), (oy, ox, window) -> {
            for (int ky = 0; ky < k; ky++) {
                int y = oy * a.stride() - a.padding() + ky;
                for (int kx = 0; kx < k; kx++) {
                    int x = ox * a.stride() - a.padding() + kx;
                    if (y >= 0 && y < h && x >= 0 && x < w) {
                        window.at(y * w + x, 1.0 / (k * k)); // count_include_pad: padding counts in the divisor
                    }
                }
            }
        });
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

    /**
     * Batch norm as PyTorch computes it: in training mode the batch's mean and biased variance normalise, and the
     * running statistics move by {@code momentum} towards the batch's mean and unbiased variance.
     */
    private static final class BatchNormOp implements ReferenceOp {
        private final BatchNorm2d b;
        private final String path;
        private final double[] gamma;
        private final double[] beta;
        private final double[] runningMean;
        private final double[] runningVar;
        private final double batches;
        private final int n;
        private final int c;
        private final int hw;
        private double[] xhat;
        private double[] invStd;
        private boolean trained;
        private double[] newMean;
        private double[] newVar;

        BatchNormOp(BatchNorm2d b, String path, double[] gamma, double[] beta, double[] runningMean,
                double[] runningVar, double batches, Shape in) {
            this.b = b;
            this.path = path;
            this.gamma = gamma;
            this.beta = beta;
            this.runningMean = runningMean;
            this.runningVar = runningVar;
            this.batches = batches;
            n = in.dim(0);
            c = in.dim(1);
            hw = in.dim(2) * in.dim(3);
        }

        private int at(int sample, int channel, int i) {
            return (sample * c + channel) * hw + i;
        }

        @Override
        public double[] forward(double[] x, boolean training) {
            trained = training;
            xhat = new double[x.length];
            invStd = new double[c];
            newMean = new double[c];
            newVar = new double[c];
            double[] y = new double[x.length];
            int m = n * hw;
            for (int ch = 0; ch < c; ch++) {
                double mean;
                double var;
                if (training) {
                    double sum = 0;
                    for (int s = 0; s < n; s++) {
                        for (int i = 0; i < hw; i++) {
                            sum += x[at(s, ch, i)];
                        }
                    }
                    mean = sum / m;
                    double sq = 0;
                    for (int s = 0; s < n; s++) {
                        for (int i = 0; i < hw; i++) {
                            double d = x[at(s, ch, i)] - mean;
                            sq += d * d;
                        }
                    }
                    var = sq / m;
                    double unbiased = m > 1 ? sq / (m - 1) : Double.NaN;
                    newMean[ch] = (1 - b.momentum()) * runningMean[ch] + b.momentum() * mean;
                    newVar[ch] = (1 - b.momentum()) * runningVar[ch] + b.momentum() * unbiased;
                } else {
                    mean = runningMean[ch];
                    var = runningVar[ch];
                }
                invStd[ch] = 1 / Math.sqrt(var + b.eps());
                for (int s = 0; s < n; s++) {
                    for (int i = 0; i < hw; i++) {
                        int j = at(s, ch, i);
                        xhat[j] = (x[j] - mean) * invStd[ch];
                        y[j] = gamma[ch] * xhat[j] + beta[ch];
                    }
                }
            }
            return y;
        }

        @Override
        public double[] backward(double[] dy, Map<String, double[]> grads) {
            double[] dx = new double[dy.length];
            double[] dGamma = new double[c];
            double[] dBeta = new double[c];
            int m = n * hw;
            for (int ch = 0; ch < c; ch++) {
                double sumDxhat = 0;
                double sumDxhatXhat = 0;
                for (int s = 0; s < n; s++) {
                    for (int i = 0; i < hw; i++) {
                        int j = at(s, ch, i);
                        dGamma[ch] += dy[j] * xhat[j];
                        dBeta[ch] += dy[j];
                        double dxhat = dy[j] * gamma[ch];
                        sumDxhat += dxhat;
                        sumDxhatXhat += dxhat * xhat[j];
                    }
                }
                for (int s = 0; s < n; s++) {
                    for (int i = 0; i < hw; i++) {
                        int j = at(s, ch, i);
                        double dxhat = dy[j] * gamma[ch];
                        dx[j] = trained
                                ? invStd[ch] * (dxhat - sumDxhat / m - xhat[j] * sumDxhatXhat / m)
                                : invStd[ch] * dxhat;
                    }
                }
            }
            add(grads, path + ".weight", dGamma);
            add(grads, path + ".bias", dBeta);
            return dx;
        }

        @Override
        public void updatedBuffers(Map<String, double[]> buffers) {
            if (trained) {
                buffers.put(path + ".running_mean", newMean.clone());
                buffers.put(path + ".running_var", newVar.clone());
                buffers.put(path + ".num_batches_tracked", new double[] {batches + 1});
            }
        }
    }

    /** Which input elements (of one plane, index y * W + x) output (oy, ox) averages, and with which weight. */
    private interface Window {
        void of(int oy, int ox, Tap tap);

        /** One input element of a window and its weight. */
        interface Tap {
            void at(int input, double weight);
        }
    }

    /** An average over fixed windows of each plane: adaptive and plain average pooling. */
    private static final class AvgOp implements ReferenceOp {
        private final Window window;
        private final int planes;
        private final int inPlane;
        private final int oh;
        private final int ow;

        AvgOp(Shape in, Shape out, Window window) {
            this.window = window;
            planes = in.dim(0) * in.dim(1);
            inPlane = in.dim(2) * in.dim(3);
            oh = out.dim(2);
            ow = out.dim(3);
        }

        @Override
        public double[] forward(double[] x, boolean training) {
            double[] y = new double[planes * oh * ow];
            for (int p = 0; p < planes; p++) {
                int base = p * inPlane;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        int o = (p * oh + oy) * ow + ox;
                        window.of(oy, ox, (i, wt) -> y[o] += wt * x[base + i]);
                    }
                }
            }
            return y;
        }

        @Override
        public double[] backward(double[] dy, Map<String, double[]> grads) {
            double[] dx = new double[planes * inPlane];
            for (int p = 0; p < planes; p++) {
                int base = p * inPlane;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        int o = (p * oh + oy) * ow + ox;
                        window.of(oy, ox, (i, wt) -> dx[base + i] += wt * dy[o]);
                    }
                }
            }
            return dx;
        }
    }
}
