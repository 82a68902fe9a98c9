package org.vgg4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.config.RunConfig;
import org.vgg4j.core.layer.ParameterSpec;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.param.SafeTensors;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.core.spi.GradientResult;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.spi.Trainer;
import org.vgg4j.core.testing.Python;
import org.vgg4j.core.testing.ReferenceForward;
import org.vgg4j.core.testing.TestData;
import org.vgg4j.core.train.Checkpoint;
import org.vgg4j.core.train.CheckpointStore;
import org.vgg4j.core.train.TrainingPosition;
import org.vgg4j.models.vgg.Vgg;
import org.vgg4j.models.vgg.VggConfig;

/**
 * The batch-norm VGGs in torchvision's layout against torchvision 0.14's own VGG class (Debian's python3; the model
 * loads vgg4j's safetensors with {@code load_state_dict(strict=True)}): eval-mode logits of every backend, the float64
 * reference and torchvision within 1e-4; one training-mode step on every trainable backend (loss, gradients, updated
 * running statistics, loss after one Adam step); and the round trips vgg4j checkpoint -> torchvision and torchvision
 * {@code state_dict} -> vgg4j. Skipped, with the reason, where python3 with torchvision is absent.
 */
class TorchvisionBatchNormAgreementTest {
    private static final double TOLERANCE = 1e-4;
    private static String python;

    @TempDir
    Path dir;

    @BeforeAll
    static void findPython() {
        python = Python.withModules("torch, torchvision").map(Python::executable).orElse(null);
    }

    static Stream<Arguments> evalCases() {
        // ratio 8: every model x channels x size; ratio 1 (torchvision's own widths, 129-134 M parameters): each model,
        // each channel count and each size once, so that the full-width rows stay within a CI budget
        return Stream.concat(Stream.of("vgg11_bn", "vgg16_bn").flatMap(name -> Stream.of(1, 3).flatMap(ch -> Stream
                .of(32, 224).map(size -> Arguments.of(name, 8, ch, size)))), Stream.of(Arguments.of("vgg11_bn", 1, 3,
                32), Arguments.of("vgg16_bn", 1, 3, 32), Arguments.of("vgg11_bn", 1, 1, 224)));
    }

    @ParameterizedTest(name = "{0} ratio {1}, {2} channels, {3}x{3}")
    @MethodSource("evalCases")
    void evalLogitsAgreeWithTorchvisionAndTheReferenceOnEveryBackend(String name, int ratio, int channels, int size)
            throws Exception {
        assumeTrue(python != null, "python3 with torch and torchvision is not installed");
        VggConfig config = VggConfig.torchvision(name, 10).withRatio(ratio).withInChannels(channels).withImageSize(size)
                .withDropout(0);
        Network net = Vgg.build(config);
        Parameters params = Models.withBatchNormStatistics(net, 41 + size + channels);
        Tensor x = TestData.images(net.sampleShape().prepend(2), 42);
        Path paramsFile = dir.resolve("params.safetensors");
        SafeTensors.write(paramsFile, params, Map.of("format", "pt"));
        Parameters torch = torchvision(config, "eval", paramsFile.toString(), batch(x, null, null, null).toString());
        Tensor expected = torch.get("logits");
        String model = net.name() + "@" + size + "x" + channels + "ch";
        Tensor reference = ReferenceForward.logitsTensor(net, params, x);
        double refDiff = reference.maxAbsDiff(expected);
        AgreementTable.record(String.format(Locale.ROOT, "eval-mode logits (largest %.2g)", expected.maxAbs()), model,
                "reference (float64)", "torchvision", refDiff, TOLERANCE);
        assertThat(refDiff).isLessThanOrEqualTo(TOLERANCE);
        for (Backend backend : BackendsUnderTest.all()) {
            try (Session s = backend.open(net, params, Device.cpu())) {
                Tensor logits = s.predict(x);
                double diff = logits.maxAbsDiff(expected);
                AgreementTable.record("eval-mode logits", model, backend.name(), "torchvision", diff, TOLERANCE);
                double vsRef = logits.maxAbsDiff(reference);
                AgreementTable.record("eval-mode logits", model, backend.name(), "reference (float64)", vsRef,
                        TOLERANCE);
                assertThat(diff).as("%s vs torchvision", backend.name()).isLessThanOrEqualTo(TOLERANCE);
                assertThat(vsRef).as("%s vs reference", backend.name()).isLessThanOrEqualTo(TOLERANCE);
            }
        }
    }

    @ParameterizedTest(name = "{0} ratio 8, {1} channels, 32x32")
    @CsvSource({"vgg11_bn, 1", "vgg16_bn, 3"})
    void oneTrainingModeStepAgreesWithTorchvisionOnEveryTrainableBackend(String name, int channels) throws Exception {
        assumeTrue(python != null, "python3 with torch and torchvision is not installed");
        VggConfig config = VggConfig.torchvision(name, 10).withRatio(8).withInChannels(channels).withImageSize(32)
                .withDropout(0);
        Network net = Vgg.build(config);
        Parameters params = Models.withBatchNormStatistics(net, 51);
        Tensor x1 = TestData.images(net.sampleShape().prepend(8), 52);
        int[] y1 = TestData.labels(8, 10, 53);
        Tensor x2 = TestData.images(net.sampleShape().prepend(8), 54);
        int[] y2 = TestData.labels(8, 10, 55);
        Path paramsFile = dir.resolve("params.safetensors");
        SafeTensors.write(paramsFile, params, Map.of("format", "pt"));
        Parameters torch = torchvision(config, "train", paramsFile.toString(), batch(x1, y1, x2, y2).toString());
        double torchLoss = torch.get("loss").get(0);
        double torchAfter = torch.get("loss_after_step").get(0);
        List<String> trainable = net.trainableSpecs().stream().map(ParameterSpec::name).toList();
        double globalMax = trainable.stream().mapToDouble(n -> torch.get("grad." + n).maxAbs()).max().orElseThrow();
        String model = net.name() + "@32x" + channels + "ch train";
        int trained = 0;
        for (Backend backend : BackendsUnderTest.all()) {
            if (!backend.capabilities().training()) {
                continue;
            }
            trained++;
            try (Session s = backend.open(net, params, Device.cpu())) {
                Trainer t = s.trainer(TrainingSpec.adam(1e-3, 1));
                GradientResult g = t.gradients(x1, y1);
                double lossRel = Math.abs(g.loss() - torchLoss) / Math.abs(torchLoss);
                AgreementTable.record("BN step loss (rel)", model, backend.name(), "torchvision", lossRel, 1e-5);
                assertThat(lossRel).isLessThanOrEqualTo(1e-5);
                double worst = 0;
                double worstBias = 0;
                for (String param : trainable) {
                    Tensor want = torch.get("grad." + param);
                    double diff = g.gradients().get(param).maxAbsDiff(want);
                    // a convolution bias right before a training-mode batch norm has a true gradient of 0 (the batch
                    // mean removes it): both sides hold float32 rounding noise, measured against the largest gradient
                    boolean beforeBatchNorm = param.startsWith("features.") && param.endsWith(".bias")
                            && net.parameterSpecs().stream().anyMatch(p -> p.name().equals(
                                    param.replace(".bias", ".weight")) && p.shape().rank() == 4);
                    double rel = diff / Math.max(1e-12, beforeBatchNorm ? globalMax : want.maxAbs());
                    if (beforeBatchNorm) {
                        worstBias = Math.max(worstBias, rel);
                    } else {
                        worst = Math.max(worst, rel);
                    }
                    assertThat(rel).as("gradient of %s on %s", param, backend.name()).isLessThanOrEqualTo(1e-4);
                }
                AgreementTable.record("BN gradients (rel to each tensor's max)", model, backend.name(), "torchvision",
                        worst, 1e-4);
                AgreementTable.record("BN conv-bias gradients, true value 0 (rel to network's max)", model,
                        backend.name(), "torchvision", worstBias, 1e-4);
                // Trainer's contract: gradients() updates nothing; step() stores the running statistics of its own
                // forward pass on the same batch and weights, hence the ones torchvision's one training pass computed
                t.step(x1, y1);
                Parameters after = s.parameters();
                double worstBuffer = 0;
                for (ParameterSpec b : net.parameterSpecs()) {
                    if (b.trainable()) {
                        continue;
                    }
                    Tensor want = torch.get("buf." + b.name());
                    Tensor ours = after.get(b.name());
                    if (b.name().endsWith("num_batches_tracked")) {
                        assertThat(ours.getLong(0)).as(b.name() + " on " + backend.name()).isEqualTo(want.getLong(0));
                    } else {
                        worstBuffer = Math.max(worstBuffer, ours.maxAbsDiff(want));
                    }
                }
                AgreementTable.record("BN updated running statistics", model, backend.name(), "torchvision",
                        worstBuffer, 1e-5);
                assertThat(worstBuffer).as("running statistics on %s", backend.name()).isLessThanOrEqualTo(1e-5);
                double afterRel = Math.abs(t.gradients(x2, y2).loss() - torchAfter) / Math.abs(torchAfter);
                AgreementTable.record("BN loss after Adam step (rel)", model, backend.name(), "torchvision",
                        afterRel, 1e-4);
                assertThat(afterRel).isLessThanOrEqualTo(1e-4);
            }
        }
        assertThat(trained).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aVgg4jCheckpointLoadsIntoTorchvisionAndATorchvisionStateDictIntoVgg4j() throws Exception {
        assumeTrue(python != null, "python3 with torch and torchvision is not installed");
        VggConfig config = VggConfig.torchvision("vgg11_bn", 10).withRatio(8).withInChannels(3).withImageSize(32)
                .withDropout(0);
        Network net = Vgg.build(config);
        Tensor x = TestData.images(net.sampleShape().prepend(4), 61);
        Path batchFile = batch(x, null, null, null);
        // vgg4j -> torchvision: a checkpoint after two Adam steps (running statistics moved by training)
        Backend anchor = BackendsUnderTest.trainingAnchor();
        Path manifest;
        Tensor ours;
        try (Session s = anchor.open(net, Models.withBatchNormStatistics(net, 62), Device.cpu())) {
            Trainer t = s.trainer(TrainingSpec.adam(1e-3, 1));
            for (int i = 0; i < 2; i++) {
                t.step(TestData.images(net.sampleShape().prepend(8), 63 + i), TestData.labels(8, 10, 65 + i));
            }
            ours = s.predict(x);
            manifest = new CheckpointStore(dir.resolve("ckpt")).save("epoch-001", new Checkpoint(RunConfig.reference(),
                    anchor.name(), TrainingPosition.startOf(1), List.of(), s.parameters(), t.optimizerState()));
        }
        Path weights = dir.resolve("ckpt").resolve("epoch-001.safetensors");
        assertThat(weights).exists();
        assertThat(manifest).exists();
        Tensor theirs = torchvision(config, "eval", weights.toString(), batchFile.toString()).get("logits");
        double diff = ours.maxAbsDiff(theirs);
        AgreementTable.record("checkpoint .safetensors -> torchvision strict load, logits", net.name() + "@32",
                "torchvision", "trained on " + anchor.name(), diff, TOLERANCE);
        assertThat(diff).isLessThanOrEqualTo(TOLERANCE);

        // torchvision -> vgg4j: a state_dict Python wrote, on every backend
        Path tvWeights = dir.resolve("torchvision.safetensors");
        Tensor tvLogits = torchvision(config, "export", "71", batchFile.toString(), tvWeights.toString())
                .get("logits");
        Parameters loaded = SafeTensors.read(tvWeights).tensors();
        for (Backend backend : BackendsUnderTest.all()) {
            try (Session s = backend.open(net, loaded, Device.cpu())) {
                double d = s.predict(x).maxAbsDiff(tvLogits);
                AgreementTable.record(String.format(Locale.ROOT, "torchvision state_dict -> vgg4j, logits (largest "
                        + "%.2g)", tvLogits.maxAbs()), net.name() + "@32", backend.name(), "torchvision", d, TOLERANCE);
                assertThat(d).as("%s on torchvision's weights", backend.name()).isLessThanOrEqualTo(TOLERANCE);
            }
        }
    }

    private Path batch(Tensor x1, int[] y1, Tensor x2, int[] y2) {
        Map<String, Tensor> b = new LinkedHashMap<>();
        b.put("x1", x1);
        if (y1 != null) {
            b.put("y1", labels(y1));
            b.put("x2", x2);
            b.put("y2", labels(y2));
        }
        Path file = dir.resolve("batch-" + System.nanoTime() + ".safetensors");
        SafeTensors.write(file, Parameters.of(b), Map.of());
        return file;
    }

    /** Runs torchvision_bn.py in {@code mode}; returns the tensors of its last argument, the output file. */
    private Parameters torchvision(VggConfig c, String mode, String... args) throws IOException, InterruptedException {
        for (String resource : new String[] {"torchvision_bn.py", "safetensors_dtypes.py"}) { // the second: core's
            Path target = dir.resolve(resource);
            if (!Files.exists(target)) {
                try (InputStream in = getClass().getResourceAsStream("/python/" + resource)) {
                    Files.copy(in, target);
                }
            }
        }
        String json = String.format(Locale.ROOT, "{\"name\": \"%s\", \"ratio\": %d, \"in_channels\": %d, "
                + "\"hidden\": %d, \"classes\": %d}", c.modelName(), c.ratio(), c.inChannels(), c.hiddenUnits(),
                c.classes());
        Path out = dir.resolve("torchvision-out-" + System.nanoTime() + ".safetensors");
        List<String> cmd = new java.util.ArrayList<>(List.of(python, dir.resolve("torchvision_bn.py").toString(), json,
                mode));
        cmd.addAll(List.of(args));
        cmd.add(out.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(log).isZero();
        return SafeTensors.read(out).tensors();
    }

    private static Tensor labels(int[] y) {
        float[] f = new float[y.length];
        for (int i = 0; i < y.length; i++) {
            f[i] = y[i];
        }
        return Tensor.wrap(Shape.of(y.length), f);
    }
}
