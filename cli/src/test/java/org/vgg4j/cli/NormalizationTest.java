package org.vgg4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.testing.Python;
import org.vgg4j.datasets.image.ImageDecoder;
import org.vgg4j.datasets.image.PixelFormat;

/**
 * {@code --mean} / {@code --std}: the same numbers as torchvision's {@code Normalize} after {@code ToTensor} on the
 * same PNG, the {@code imagenet} preset, and one-line usage errors (exit 2) for wrong counts, non-numbers and std <= 0.
 */
class NormalizationTest {
    @TempDir
    static Path dir;
    static Path png;
    static String run;

    @BeforeAll
    static void rgbModelAndImage() throws IOException {
        run = TestCheckpoints.save(dir.resolve("rgb-run"), 3).toString();
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                img.setRGB(x, y, (x * 31 << 16) | (y * 29 << 8) | (255 - x * y * 3));
            }
        }
        png = dir.resolve("colour.png");
        ImageIO.write(img, "png", png.toFile());
    }

    @Test
    void normalisedPixelsAreTorchvisionsNormalizeAfterToTensor() throws IOException {
        Tensor mine = Normalization.of("imagenet", null, 3)
                .apply(PredictCommand.imageInput(ImageDecoder.create(), png, PixelFormat.RGB, 8, false));
        Python.Run torch = Python.at(System.getProperty("vgg4j.python", "/usr/bin/python3")).code(
                "import sys, PIL.Image, torchvision.transforms as T\n"
                + "t = T.Compose([T.ToTensor(), T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])\n"
                + "x = t(PIL.Image.open(sys.argv[1]).convert('RGB'))\n"
                + "print(' '.join(repr(v) for v in x.flatten().tolist()))\n", png.toString());
        assumeTrue(torch.exitCode() == 0 || !torch.output().contains("No module named"),
                "/usr/bin/python3 with torchvision is not installed");
        assertThat(torch.exitCode()).as(torch.output()).isZero();
        String[] values = torch.output().strip().split(" ");
        assertThat(mine.size()).isEqualTo(values.length).isEqualTo(3 * 8 * 8);
        for (int i = 0; i < values.length; i++) {
            assertThat((double) mine.get(i)).as("value %d", i).isCloseTo(Double.parseDouble(values[i]),
                    org.assertj.core.data.Offset.offset(1e-6));
        }
    }

    @Test
    void imagenetMeansBothPresetsAndChangesThePrediction() {
        CliRun plain = CliRun.of("predict", "--checkpoint", run, png.toString());
        CliRun preset = CliRun.of("predict", "--checkpoint", run, "--mean", "imagenet", png.toString());
        CliRun spelled = CliRun.of("predict", "--checkpoint", run, "--mean", "0.485,0.456,0.406", "--std",
                "0.229, 0.224, 0.225", png.toString());
        assertThat(plain.exit()).as(plain.err()).isZero();
        assertThat(preset.exit()).as(preset.err()).isZero();
        assertThat(spelled.exit()).as(spelled.err()).isZero();
        assertThat(preset.out()).isEqualTo(spelled.out()).isNotEqualTo(plain.out());
        CliRun identity = CliRun.of("predict", "--checkpoint", run, "--mean", "0,0,0", "--std", "1,1,1",
                png.toString());
        assertThat(identity.out()).isEqualTo(plain.out());
    }

    @Test
    void badValuesAreOneLineUsageErrors() {
        assertUsage(CliRun.of("predict", "--checkpoint", run, "--mean", "0.5,0.5", png.toString()),
                "--mean needs 3 values (one per channel of the model), got 2");
        assertUsage(CliRun.of("predict", "--checkpoint", run, "--std", "0.2,0,0.2", png.toString()),
                "--std values must be > 0 and finite, got 0.0 for channel 1");
        assertUsage(CliRun.of("predict", "--checkpoint", run, "--std", "0.2,-1,0.2", png.toString()),
                "--std values must be > 0");
        assertUsage(CliRun.of("predict", "--checkpoint", run, "--mean", "0.5,x,0.5", png.toString()),
                "--mean takes comma-separated numbers or 'imagenet', got 'x'");
        assertUsage(CliRun.of("predict", "--checkpoint", run, "--mean", "0.5,2,0.5", png.toString()),
                "--mean values must be from 0 to 1");
        assertUsage(CliRun.of("predict", "--checkpoint", run, "--mean", "0.5,NaN,0.5", png.toString()),
                "--mean values must be finite");
        String grey = TestCheckpoints.save(dir.resolve("grey-run"), 1).toString();
        assertUsage(CliRun.of("predict", "--checkpoint", grey, "--mean", "imagenet", png.toString()),
                "--mean imagenet has 3 (RGB) values, but the model takes 1 channel");
        assertUsage(CliRun.of("evaluate", "--checkpoint", grey, "--std", "0.3,0.3"),
                "--std needs 1 value (one per channel of the model), got 2");
    }

    private static void assertUsage(CliRun r, String says) {
        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
        assertThat(r.err()).startsWith("error: ").contains(says).doesNotContain("Exception");
        assertThat(r.out()).isEmpty();
    }
}
