package org.vgg4j.backend.tensorflow;

/**
 * Host-side reorderings between the NCHW/OIHW layout every backend exchanges and the NHWC/HWIO layout TensorFlow's CPU
 * kernels take; all are plain index permutations on row-major arrays.
 */
final class Layouts {
    private Layouts() {
    }

    /** Convolution weights [O, I, H, W] to [H, W, I, O]. */
    static float[] oihwToHwio(float[] src, int o, int i, int h, int w) {
        float[] dst = new float[src.length];
        for (int a = 0; a < o; a++) {
            for (int b = 0; b < i; b++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        dst[((y * w + x) * i + b) * o + a] = src[((a * i + b) * h + y) * w + x];
                    }
                }
            }
        }
        return dst;
    }

    /** Convolution weights [H, W, I, O] back to [O, I, H, W]. */
    static float[] hwioToOihw(float[] src, int o, int i, int h, int w) {
        float[] dst = new float[src.length];
        for (int a = 0; a < o; a++) {
            for (int b = 0; b < i; b++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        dst[((a * i + b) * h + y) * w + x] = src[((y * w + x) * i + b) * o + a];
                    }
                }
            }
        }
        return dst;
    }

    /** Images [N, C, H, W] to [N, H, W, C] (a no-op for one channel): each sample is one row of C*H*W features. */
    static float[] nchwToNhwc(float[] src, int n, int c, int h, int w) {
        return c == 1 ? src : nchwColumnsToNhwc(src, n, c, h, w);
    }

    /** Activations [N, H, W, C] to [N, C, H, W] (a no-op for one channel). */
    static float[] nhwcToNchw(float[] src, int n, int c, int h, int w) {
        return c == 1 ? src : nhwcColumnsToNchw(src, n, c, h, w);
    }

    /**
     * Columns of a linear weight [out, C*H*W] that follows a flatten, from PyTorch's NCHW feature order to the NHWC order
     * of TensorFlow's flattened activations (so no activation transpose is needed).
     */
    static float[] nchwColumnsToNhwc(float[] src, int out, int c, int h, int w) {
        int in = c * h * w;
        float[] dst = new float[src.length];
        for (int r = 0; r < out; r++) {
            int row = r * in;
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < h * w; p++) {
                    dst[row + p * c + ch] = src[row + ch * h * w + p];
                }
            }
        }
        return dst;
    }

    /** Inverse of {@link #nchwColumnsToNhwc}. */
    static float[] nhwcColumnsToNchw(float[] src, int out, int c, int h, int w) {
        int in = c * h * w;
        float[] dst = new float[src.length];
        for (int r = 0; r < out; r++) {
            int row = r * in;
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < h * w; p++) {
                    dst[row + ch * h * w + p] = src[row + p * c + ch];
                }
            }
        }
        return dst;
    }
}
