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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.layer.ParameterSpec;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.param.SafeTensors;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.core.spi.GradientResult;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.spi.Trainer;
import org.vgg4j.core.testing.Python;
import org.vgg4j.core.testing.TestData;
import org.vgg4j.models.vgg.Vgg;
import org.vgg4j.models.vgg.VggConfig;
import org.vgg4j.models.vgg.VggVariant;

/**
 * Native PyTorch as ground truth: the d2l VGG built in Python PyTorch (Debian's python3-torch) loads a vgg4j
 * checkpoint with {@code load_state_dict(strict=True)}, and every backend's logits, loss, gradients and post-Adam loss
 * match it. Skipped, with the reason, where python3 with torch is absent.
 */
class NativePyTorchTest {
    private static final double TOLERANCE = 1e-4;
    private static String python;

    @TempDir
    Path dir;

    @BeforeAll
    static void findPython() {
        python = Python.withModules("torch, numpy").map(Python::executable).orElse(null);
    }

    @Test
    void everyBackendMatchesNativePyTorchOnTheD2lModel() throws Exception {
        assumeTrue(python != null, "python3 with torch is not installed (apt-get install python3-torch)");
        VggConfig config = VggConfig.d2l(VggVariant.VGG11).withRatio(8).withImageSize(64).withDropout(0);
        Network net = Vgg.build(config);
        Parameters params = Models.unitScale(net, 77);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("arch", config.variant().blocks().stream().map(b -> "[" + b.convolutions() + ", "
                + b.channels() / config.ratio() + "]").collect(Collectors.joining(", ", "[", "]")));
        meta.put("in_channels", "1");
        meta.put("image_size", "64");
        meta.put("hidden", Integer.toString(config.hiddenUnits() / config.ratio()));
        meta.put("classes", "10");
        meta.put("dropout", "0");
        meta.put("lr", "0.001");
        Path paramsFile = dir.resolve("params.safetensors");
        SafeTensors.write(paramsFile, params, meta);
        Tensor x1 = TestData.images(net.sampleShape().prepend(8), 1);
        int[] y1 = TestData.labels(8, 10, 2);
        Tensor x2 = TestData.images(net.sampleShape().prepend(8), 3);
        int[] y2 = TestData.labels(8, 10, 4);
        Map<String, Tensor> batch = new LinkedHashMap<>();
        batch.put("x1", x1);
        batch.put("y1", labels(y1));
        batch.put("x2", x2);
        batch.put("y2", labels(y2));
        Path batchFile = dir.resolve("batch.safetensors");
        SafeTensors.write(batchFile, Parameters.of(batch), Map.of());
        Path outFile = dir.resolve("native.safetensors");
        Path script = dir.resolve("native_pytorch.py");
        for (String resource : new String[] {"native_pytorch.py", "safetensors_dtypes.py"}) { // the second: core's
            try (InputStream in = getClass().getResourceAsStream("/python/" + resource)) {
                Files.copy(in, dir.resolve(resource));
            }
        }
        Process p = new ProcessBuilder(python, script.toString(), paramsFile.toString(), batchFile.toString(),
                outFile.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(log).isZero();
        Parameters expected = SafeTensors.read(outFile).tensors();
        double nativeLoss = expected.get("loss").get(0);
        double nativeAfter = expected.get("loss_after_step").get(0);

        for (Backend backend : BackendsUnderTest.all()) {
            try (Session s = backend.open(net, params, Device.cpu())) {
                double diff = s.predict(x1).maxAbsDiff(expected.get("logits"));
                AgreementTable.record("logits", net.name() + "@64", backend.name(), "native PyTorch", diff, TOLERANCE);
                assertThat(diff).isLessThanOrEqualTo(TOLERANCE);
                if (!backend.capabilities().training()) {
                    continue;
                }
                Trainer t = s.trainer(TrainingSpec.adam(1e-3, 1));
                GradientResult g = t.gradients(x1, y1);
                double lossRel = Math.abs(g.loss() - nativeLoss) / Math.abs(nativeLoss);
                AgreementTable.record("step loss (rel)", net.name() + "@64", backend.name(), "native PyTorch",
                        lossRel, 1e-5);
                assertThat(lossRel).isLessThanOrEqualTo(1e-5);
                double worst = 0;
                for (String name : net.trainableSpecs().stream().map(ParameterSpec::name).toList()) {
                    Tensor want = expected.get("grad." + name);
                    double rel = g.gradients().get(name).maxAbsDiff(want) / Math.max(1e-12, want.maxAbs());
                    worst = Math.max(worst, rel);
                    assertThat(rel).as("gradient of %s on %s", name, backend.name()).isLessThanOrEqualTo(1e-4);
                }
                AgreementTable.record("gradients (rel to max)", net.name() + "@64", backend.name(), "native PyTorch",
                        worst, 1e-4);
                t.step(x1, y1);
                double after = t.gradients(x2, y2).loss();
                double afterRel = Math.abs(after - nativeAfter) / Math.abs(nativeAfter);
                AgreementTable.record("loss after Adam step (rel)", net.name() + "@64", backend.name(),
                        "native PyTorch", afterRel, 1e-4);
                assertThat(afterRel).isLessThanOrEqualTo(1e-4);
            }
        }
    }

    private static Tensor labels(int[] y) {
        float[] f = new float[y.length];
        for (int i = 0; i < y.length; i++) {
            f[i] = y[i];
        }
        return Tensor.wrap(Shape.of(y.length), f);
    }
}
