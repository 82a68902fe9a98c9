package org.vgg4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.layer.ParameterSpec;
import org.vgg4j.core.optim.AdamW;
import org.vgg4j.core.optim.LrSchedule;
import org.vgg4j.core.optim.SoftmaxCrossEntropy;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.param.SafeTensors;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.spi.StepResult;
import org.vgg4j.core.spi.Trainer;
import org.vgg4j.core.testing.Python;
import org.vgg4j.core.testing.TestData;
import org.vgg4j.models.vgg.Vgg;
import org.vgg4j.models.vgg.VggConfig;
import org.vgg4j.models.vgg.VggVariant;

/**
 * Native PyTorch as ground truth for the optimisers and schedules (Debian's python3-torch): three training steps of
 * {@code torch.optim.AdamW} under a cosine schedule with warm-up, {@code clip_grad_norm_} (active at every step) and
 * {@code CrossEntropyLoss(label_smoothing=0.1)} on the d2l VGG-11 (ratio 8, 64x64), against every trainable backend
 * with the same {@link TrainingSpec}: each step's loss and the weights after the third step within 1e-5 relative.
 * Skipped, with the reason, where python3 with torch is absent.
 */
class NativeOptimizerAgreementTest {
    private static final int STEPS = 3;
    private static final double LR = 1e-3;
    private static final double WEIGHT_DECAY = 0.05;
    private static final int WARMUP = 1;
    private static final int TOTAL = 4;
    private static final double MIN_RATIO = 0.1;
    private static final double CLIP = 0.5;
    private static final double SMOOTHING = 0.1;
    private static final double TOLERANCE = 1e-5;
    private static String python;

    @TempDir
    Path dir;

    @BeforeAll
    static void findPython() {
        python = Python.withModules("torch, numpy").map(Python::executable).orElse(null);
    }

    @Test
    void adamwWithCosineWarmupClippingAndLabelSmoothingMatchesNativePyTorch() throws Exception {
        assumeTrue(python != null, "python3 with torch is not installed (apt-get install python3-torch)");
        VggConfig config = VggConfig.d2l(VggVariant.VGG11).withRatio(8).withImageSize(64).withDropout(0);
        Network net = Vgg.build(config);
        Parameters params = Models.unitScale(net, 78);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("arch", config.variant().blocks().stream().map(b -> "[" + b.convolutions() + ", "
                + b.channels() / config.ratio() + "]").collect(Collectors.joining(", ", "[", "]")));
        meta.put("in_channels", "1");
        meta.put("image_size", "64");
        meta.put("hidden", Integer.toString(config.hiddenUnits() / config.ratio()));
        meta.put("classes", "10");
        meta.put("dropout", "0");
        meta.put("lr", Double.toString(LR));
        meta.put("weight_decay", Double.toString(WEIGHT_DECAY));
        meta.put("warmup", Integer.toString(WARMUP));
        meta.put("total", Integer.toString(TOTAL));
        meta.put("min_ratio", Double.toString(MIN_RATIO));
        meta.put("clip", Double.toString(CLIP));
        meta.put("smoothing", Double.toString(SMOOTHING));
        meta.put("steps", Integer.toString(STEPS));
        Path paramsFile = dir.resolve("params.safetensors");
        SafeTensors.write(paramsFile, params, meta);
        Tensor[] x = new Tensor[STEPS];
        int[][] y = new int[STEPS][];
        Map<String, Tensor> batches = new LinkedHashMap<>();
        for (int k = 0; k < STEPS; k++) {
            x[k] = TestData.images(net.sampleShape().prepend(8), 10 + k);
            y[k] = TestData.labels(8, 10, 20 + k);
            batches.put("x" + k, x[k]);
            batches.put("y" + k, labels(y[k]));
        }
        Path batchFile = dir.resolve("batches.safetensors");
        SafeTensors.write(batchFile, Parameters.of(batches), Map.of());
        Path outFile = dir.resolve("native.safetensors");
        for (String resource : new String[] {"native_optim.py", "native_pytorch.py", "safetensors_dtypes.py"}) {
            try (InputStream in = getClass().getResourceAsStream("/python/" + resource)) {
                Files.copy(in, dir.resolve(resource));
            }
        }
        Process p = new ProcessBuilder(python, dir.resolve("native_optim.py").toString(), paramsFile.toString(),
                batchFile.toString(), outFile.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(log).isZero();
        Parameters expected = SafeTensors.read(outFile).tensors();

        TrainingSpec spec = new TrainingSpec(new AdamW(LR, 0.9, 0.999, 1e-8, WEIGHT_DECAY),
                new SoftmaxCrossEntropy(SMOOTHING), 1, new LrSchedule.CosineWarmup(WARMUP, TOTAL, MIN_RATIO), CLIP);
        for (int k = 0; k < STEPS; k++) {
            assertThat(expected.get("norm" + k).get(0)).as("clipping is active at step %d", k + 1)
                    .isGreaterThan((float) CLIP);
            assertThat(expected.get("lr" + k).get(0)).as("PyTorch's rate of step %d", k + 1)
                    .isCloseTo((float) spec.learningRate(k + 1), Offset.offset(1e-7 * LR));
        }
        int compared = 0;
        for (Backend backend : BackendsUnderTest.all()) {
            if (!backend.capabilities().training()) {
                continue;
            }
            try (Session s = backend.open(net, params, Device.cpu()); Trainer t = s.trainer(spec)) {
                double worstLoss = 0;
                for (int k = 0; k < STEPS; k++) {
                    StepResult r = t.step(x[k], y[k]);
                    double want = expected.get("loss" + k).get(0);
                    worstLoss = Math.max(worstLoss, Math.abs(r.loss() - want) / Math.abs(want));
                }
                double worstWeight = 0;
                String worstName = "";
                for (ParameterSpec ps : net.trainableSpecs()) {
                    Tensor want = expected.get("param." + ps.name());
                    double rel = s.parameters().get(ps.name()).maxAbsDiff(want) / want.maxAbs();
                    if (rel > worstWeight) {
                        worstWeight = rel;
                        worstName = ps.name();
                    }
                }
                System.out.printf("%s vs native PyTorch, %d steps of AdamW + cosine warm-up + clip_grad_norm_ + "
                        + "label smoothing: losses %.3g relative, weights %.3g relative to each tensor's max (worst %s)"
                        + "%n", backend.name(), STEPS, worstLoss, worstWeight, worstName);
                AgreementTable.record("AdamW+cosine+clip+smoothing: losses (rel)", net.name() + "@64", backend.name(),
                        "native PyTorch", worstLoss, TOLERANCE);
                AgreementTable.record("AdamW+cosine+clip+smoothing: weights after 3 steps (rel)", net.name() + "@64",
                        backend.name(), "native PyTorch", worstWeight, TOLERANCE);
                assertThat(worstLoss).as("%s losses", backend.name()).isLessThanOrEqualTo(TOLERANCE);
                assertThat(worstWeight).as("%s weights (%s)", backend.name(), worstName)
                        .isLessThanOrEqualTo(TOLERANCE);
                compared++;
            }
        }
        assertThat(compared).as("trainable backends compared").isPositive();
    }

    private static Tensor labels(int[] y) {
        float[] f = new float[y.length];
        for (int i = 0; i < y.length; i++) {
            f[i] = y[i];
        }
        return Tensor.wrap(Shape.of(y.length), f);
    }
}
