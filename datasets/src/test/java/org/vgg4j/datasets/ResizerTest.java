package org.vgg4j.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class ResizerTest {
    private static final int SIZE = 28;

    /** The pattern make_fixtures.py resizes with Pillow. */
    static byte[] pattern() {
        byte[] p = new byte[SIZE * SIZE];
        for (int i = 0; i < SIZE; i++) {
            for (int j = 0; j < SIZE; j++) {
                p[i * SIZE + j] = (byte) ((i * 37 + j * 11 + ((i * j) % 7) * 13) % 256);
            }
        }
        return p;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ResizeMode.class)
    void constantImageStaysConstant(ResizeMode mode) {
        for (int value : new int[] {0, 1, 128, 254, 255}) {
            byte[] img = new byte[SIZE * SIZE];
            java.util.Arrays.fill(img, (byte) value);
            for (int out : new int[] {7, 14, 28, 32, 57, 224}) {
                float[] dst = new float[out * out];
                Resizer.square(SIZE, out, mode).resize(img, 0, dst, 0);
                for (float v : dst) {
                    assertThat(v).as("value %d, %d -> %d", value, SIZE, out).isCloseTo(value / 255f, within(1e-6f));
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ResizeMode.class)
    void sameSizeIsTheIdentity(ResizeMode mode) {
        byte[] img = pattern();
        float[] dst = new float[SIZE * SIZE];
        Resizer.square(SIZE, SIZE, mode).resize(img, 0, dst, 0);
        for (int i = 0; i < img.length; i++) {
            assertThat(dst[i]).isEqualTo((img[i] & 0xFF) / 255f);
        }
    }

    /**
     * 2x2 -> 4x4 by hand. Half-pixel centres: output 0..3 sit at input coordinates -0.25, 0.25, 0.75, 1.25, so the
     * weights on (pixel 0, pixel 1) are (1, 0), (0.75, 0.25), (0.25, 0.75), (0, 1) after border clamping. Input
     * [[0, 100], [200, 40]]: out(0,1) = 0.75*0 + 0.25*100 = 25; out(1,1) = 0.75*(0.75*0 + 0.25*100)
     * + 0.25*(0.75*200 + 0.25*40) = 0.75*25 + 0.25*160 = 58.75; out(2,1) = 0.25*25 + 0.75*160 = 126.25;
     * out(3,2) = 0.25*200 + 0.75*40 = 80; out(1,0) = 0.75*0 + 0.25*200 = 50.
     */
    @Test
    void smallKnownCaseMatchesHandComputedBilinear() {
        byte[] img = {0, 100, (byte) 200, 40};
        float[] f = new float[16];
        Resizer.square(2, 4, ResizeMode.FLOAT).resize(img, 0, f, 0);
        float[] expected = {
            0, 25, 75, 100,
            50, 58.75f, 76.25f, 85,
            150, 126.25f, 78.75f, 55,
            200, 160, 80, 40};
        for (int i = 0; i < 16; i++) {
            assertThat(f[i] * 255).as("pixel %d", i).isCloseTo(expected[i], within(1e-3f));
        }

        // PIL mode rounds the horizontal pass, then the vertical one, to 8 bits: 58.75 -> 59, 126.25 -> 126
        byte[] b = new byte[16];
        Resizer.square(2, 4, ResizeMode.PIL).resizeBytes(img, 0, b, 0);
        assertThat(b[5] & 0xFF).isEqualTo(59);
        assertThat(b[9] & 0xFF).isEqualTo(126);
        assertThat(b[6] & 0xFF).isEqualTo(76);
        assertThat(b[10] & 0xFF).isEqualTo(79);
        assertThat(b[14] & 0xFF).isEqualTo(80);
    }

    /** An independent textbook implementation: torch's interpolate(mode="bilinear", align_corners=False). */
    private static double torchBilinear(byte[] img, int in, int out, int y, int x) {
        double scale = (double) in / out;
        double sy = Math.max(0, (y + 0.5) * scale - 0.5);
        double sx = Math.max(0, (x + 0.5) * scale - 0.5);
        int y0 = (int) Math.floor(sy);
        int x0 = (int) Math.floor(sx);
        int y1 = Math.min(y0 + 1, in - 1);
        int x1 = Math.min(x0 + 1, in - 1);
        double ly = sy - y0;
        double lx = sx - x0;
        double top = (1 - lx) * (img[y0 * in + x0] & 0xFF) + lx * (img[y0 * in + x1] & 0xFF);
        double bottom = (1 - lx) * (img[y1 * in + x0] & 0xFF) + lx * (img[y1 * in + x1] & 0xFF);
        return ((1 - ly) * top + ly * bottom) / 255.0;
    }

    @ParameterizedTest(name = "28 -> {0}")
    @CsvSource({"32", "57", "64", "96", "224"})
    void floatModeUpsamplingEqualsAlignCornersFalse(int out) {
        byte[] img = pattern();
        float[] f = new float[out * out];
        Resizer.square(SIZE, out, ResizeMode.FLOAT).resize(img, 0, f, 0);
        double maxDiff = 0;
        for (int y = 0; y < out; y++) {
            for (int x = 0; x < out; x++) {
                maxDiff = Math.max(maxDiff, Math.abs(f[y * out + x] - torchBilinear(img, SIZE, out, y, x)));
            }
        }
        assertThat(maxDiff).isLessThan(1e-6);
    }

    @ParameterizedTest(name = "28 -> {0}")
    @CsvSource({"14", "20", "32", "57", "224"})
    void pilModeMatchesPillowExactly(int out) throws IOException {
        Pgm expected = Pgm.resource("pattern28_to_" + out + ".pgm");
        assertThat(expected.width).isEqualTo(out);
        byte[] b = new byte[out * out];
        Resizer.square(SIZE, out, ResizeMode.PIL).resizeBytes(pattern(), 0, b, 0);
        assertThat(b).isEqualTo(expected.pixels);

        float[] f = new float[out * out];
        Resizer.square(SIZE, out, ResizeMode.PIL).resize(pattern(), 0, f, 0);
        float[] scaled = new float[f.length];
        for (int i = 0; i < f.length; i++) {
            scaled[i] = (expected.pixels[i] & 0xFF) / 255f;
        }
        assertThat(f).isEqualTo(scaled);
    }

    @Test
    void pilAndFloatModesDifferOnlyByRounding() {
        int out = 224;
        float[] pil = new float[out * out];
        float[] flt = new float[out * out];
        Resizer.square(SIZE, out, ResizeMode.PIL).resize(pattern(), 0, pil, 0);
        Resizer.square(SIZE, out, ResizeMode.FLOAT).resize(pattern(), 0, flt, 0);
        double maxDiff = 0;
        for (int i = 0; i < pil.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(pil[i] - flt[i]));
        }
        // two roundings to 8 bits, each at most half a level
        assertThat(maxDiff).isGreaterThan(0).isLessThanOrEqualTo(1.0 / 255 + 1e-6);
    }

    @Test
    void offsetsAreHonoured() {
        byte[] two = new byte[2 * SIZE * SIZE];
        System.arraycopy(pattern(), 0, two, SIZE * SIZE, SIZE * SIZE);
        float[] dst = new float[3 * 32 * 32];
        float[] direct = new float[32 * 32];
        Resizer r = Resizer.square(SIZE, 32, ResizeMode.PIL);
        r.resize(two, SIZE * SIZE, dst, 2 * 32 * 32);
        r.resize(pattern(), 0, direct, 0);
        assertThat(java.util.Arrays.copyOfRange(dst, 2 * 32 * 32, 3 * 32 * 32)).isEqualTo(direct);
    }
}
