package org.vgg4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.assertj.core.data.Offset;
import org.vgg4j.core.testing.Python;

/**
 * What the tests that hold {@code vgg4j predict} against torch share: a synthetic colour PNG, torch's printed
 * probabilities, {@code predict}'s printed top-k, and the comparison of the two within a tolerance.
 */
final class TorchPredictFixtures {
    private TorchPredictFixtures() {
    }

    /** Writes a {@code width x height} RGB PNG whose three channels vary differently, so grey input would differ. */
    static Path colourPng(Path file, int width, int height, int redStep, int greenStep) throws IOException {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                img.setRGB(x, y, (x * redStep % 256 << 16) | ((y * greenStep + x) % 256 << 8) | (255 - x * y % 200));
            }
        }
        ImageIO.write(img, "png", file.toFile());
        return file;
    }

    /**
     * Runs {@code script} under {@code /usr/bin/python3} (or {@code -Dvgg4j.python}) with {@code args} and returns the
     * probabilities it printed on its last line; skips the test when torch or torchvision is not installed.
     */
    static double[] torchProbabilities(String script, String... args) throws IOException {
        Python.Run torch = Python.at(System.getProperty("vgg4j.python", "/usr/bin/python3")).code(script, args);
        assumeTrue(torch.exitCode() == 0 || !torch.output().contains("No module named"),
                "/usr/bin/python3 with torch and torchvision is not installed");
        assertThat(torch.exitCode()).as(torch.output()).isZero();
        return lastLineProbabilities(torch.output());
    }

    /** The probabilities the Python script printed on its last line, space-separated. */
    static double[] lastLineProbabilities(String output) {
        String[] lines = output.strip().split("\n");
        String[] values = lines[lines.length - 1].strip().split(" ");
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Double.parseDouble(values[i]);
        }
        return out;
    }

    /** The class-to-probability pairs {@code predict} printed for {@code png} ({@code photo.png:  3 0.4123 ...}). */
    static Map<Integer, Double> printedTopK(CliRun r, Path png) {
        String[] parts = r.out().strip().substring(png.toString().length() + 1).trim().split("\\s+");
        Map<Integer, Double> printed = new HashMap<>();
        for (int i = 0; i + 1 < parts.length; i += 2) {
            printed.put(Integer.parseInt(parts[i]), Double.parseDouble(parts[i + 1]));
        }
        return printed;
    }

    /** Asserts that {@code predict} printed every class's probability within {@code tolerance} of torch's. */
    static void assertAgrees(CliRun r, Path png, double[] torch, double tolerance) {
        assertThat(r.exit()).as(r.err()).isZero();
        Map<Integer, Double> printed = printedTopK(r, png);
        assertThat(printed).as(r.out()).hasSize(torch.length);
        double max = 0;
        for (int c = 0; c < torch.length; c++) {
            assertThat(printed.get(c)).as("class %d in %s", c, r.out()).isCloseTo(torch[c], Offset.offset(tolerance));
            max = Math.max(max, torch[c]);
        }
        assertThat(max).as("a test whose probabilities are all alike could not fail").isGreaterThan(0.2);
    }
}
