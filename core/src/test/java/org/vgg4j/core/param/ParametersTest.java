package org.vgg4j.core.param;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.core.DType;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.Vgg4jException;
import org.vgg4j.core.layer.Conv2d;
import org.vgg4j.core.layer.Initialization;
import org.vgg4j.core.layer.Linear;
import org.vgg4j.core.layer.ParameterSpec;
import org.vgg4j.core.testing.TestData;

class ParametersTest {
    @TempDir
    Path dir;

    @Test
    void initializationIsSeededAndPerTensor() {
        Network net = TestData.tinyVgg(0);
        Parameters a = Parameters.initialize(net, Initializer.PYTORCH_DEFAULT, 7);
        Parameters b = Parameters.initialize(net, Initializer.PYTORCH_DEFAULT, 7);
        Parameters c = Parameters.initialize(net, Initializer.PYTORCH_DEFAULT, 8);
        assertThat(a.maxAbsDiff(b)).isZero();
        assertThat(a.maxAbsDiff(c)).isPositive();
        assertThat(a.names()).containsExactlyElementsOf(net.parameterSpecs().stream().map(ParameterSpec::name).toList());
    }

    /**
     * The initial weights are those of the type switch each layer's own law replaced (the old Initializer): same
     * random stream, same formula, bit for bit, for both schemes.
     */
    @Test
    void layerStatedLawsDrawExactlyWhatTheFormerTypeSwitchDrew() {
        for (Network net : List.of(TestData.tinyVgg(0.5), TestData.randomNetwork(
                new java.util.SplittableRandom(4), 4))) {
            for (Initializer init : Initializer.values()) {
                Parameters drawn = Parameters.initialize(net, init, 11);
                for (var leaf : net.leaves(1)) {
                    int fanIn;
                    int fanOut;
                    boolean conv = leaf.layer() instanceof Conv2d;
                    if (leaf.layer() instanceof Conv2d c) {
                        fanIn = c.inChannels() * c.kernelSize() * c.kernelSize();
                        fanOut = c.outChannels() * c.kernelSize() * c.kernelSize();
                    } else if (leaf.layer() instanceof Linear l) {
                        fanIn = l.inFeatures();
                        fanOut = l.outFeatures();
                    } else {
                        continue;
                    }
                    for (String local : List.of("weight", "bias")) {
                        String name = leaf.path() + "." + local;
                        java.util.SplittableRandom rng = new java.util.SplittableRandom(
                                11 * 0x9E3779B97F4A7C15L + name.hashCode());
                        float[] expected = new float[drawn.get(name).size()];
                        for (int i = 0; i < expected.length; i++) {
                            if (init == Initializer.PYTORCH_DEFAULT) {
                                double bound = 1.0 / Math.sqrt(fanIn);
                                expected[i] = (float) (rng.nextDouble() * 2 * bound - bound);
                            } else if (local.equals("bias")) {
                                expected[i] = 0f;
                            } else {
                                expected[i] = (float) (rng.nextGaussian() * (conv ? Math.sqrt(2.0 / fanOut) : 0.01));
                            }
                        }
                        assertThat(drawn.get(name).toArray()).as("%s %s", init, name).containsExactly(expected);
                    }
                }
            }
        }
    }

    @Test
    void buffersAreDrawnInTheirOwnTypeAndCheckedByType() {
        ParameterSpec count = ParameterSpec.buffer("num_batches_tracked", Shape.of(), DType.I64,
                Initialization.constant(0));
        ParameterSpec mean = ParameterSpec.buffer("running_var", Shape.of(3), DType.F32,
                Initialization.constant(1));
        ParameterSpec weight = ParameterSpec.parameter("weight", Shape.of(3),
                Initialization.constant(1));
        assertThat(count.trainable()).isFalse();
        assertThat(weight.trainable()).isTrue();
        Tensor c = Initializer.TORCHVISION_VGG.create(count, 1);
        assertThat(c.dtype()).isEqualTo(DType.I64);
        assertThat(c.toLongArray()).containsExactly(0L);
        assertThat(Initializer.PYTORCH_DEFAULT.create(mean, 1).toArray()).containsExactly(1f, 1f, 1f);
        assertThatThrownBy(() -> new ParameterSpec("w", Shape.of(1), DType.I64, true, Initialization.constant(0)))
                .hasMessageContaining("trainable parameter 'w' must be F32");

        List<ParameterSpec> specs = List.of(weight, mean, count);
        Map<String, Tensor> good = new LinkedHashMap<>();
        good.put("num_batches_tracked", Tensor.ofLongs(Shape.of(), new long[] {7}));
        good.put("weight", Tensor.zeros(Shape.of(3)));
        good.put("running_var", Tensor.zeros(Shape.of(3)));
        assertThat(Parameters.of(good).conform("bn", specs, "parameters").names())
                .containsExactly("weight", "running_var", "num_batches_tracked");
        Map<String, Tensor> floatCount = new LinkedHashMap<>(good);
        floatCount.put("num_batches_tracked", Tensor.zeros(Shape.of()));
        assertThatThrownBy(() -> Parameters.of(floatCount).conform("bn", specs, "parameters"))
                .isInstanceOf(ParameterMismatchException.class)
                .hasMessage("parameters do not fit network 'bn': tensor 'num_batches_tracked' has dtype F32, "
                        + "expected I64");
    }

    @Test
    void gradientsAndOptimizerSlotsConformToTheTrainableParametersOnly() {
        Network net = TestData.tinyVgg(0);
        assertThat(net.trainableSpecs()).isEqualTo(net.parameterSpecs());
        Parameters p = Parameters.initialize(net, Initializer.PYTORCH_DEFAULT, 1);
        assertThat(p.conformToTrainable(net).names()).containsExactlyElementsOf(p.names());
        Map<String, Tensor> extra = new LinkedHashMap<>(p.asMap());
        extra.put("fc.4.running_mean", Tensor.zeros(Shape.of(10)));
        assertThatThrownBy(() -> Parameters.of(extra).conformToTrainable(net))
                .hasMessageContaining("trainable parameters do not fit network 'tiny-vgg'")
                .hasMessageContaining("unexpected tensor 'fc.4.running_mean'");
    }

    @Test
    void pytorchDefaultIsUniformWithinOneOverSqrtFanIn() {
        Linear layer = new Linear(400, 300);
        ParameterSpec w = layer.parameters().get(0);
        Tensor t = Initializer.PYTORCH_DEFAULT.create(w, 1);
        double bound = 1 / Math.sqrt(400);
        assertThat(t.maxAbs()).isLessThanOrEqualTo(bound).isGreaterThan(0.99 * bound);
        // variance of U(-b, b) is b^2 / 3
        assertThat(variance(t)).isCloseTo(bound * bound / 3, org.assertj.core.data.Percentage.withPercentage(3));
        Tensor bias = Initializer.PYTORCH_DEFAULT.create(layer.parameters().get(1), 1);
        assertThat(bias.maxAbs()).isLessThanOrEqualTo(bound).isPositive();
    }

    @Test
    void torchvisionInitUsesKaimingFanOutForConvolutionsAndSmallNormalsForLinears() {
        Conv2d conv = new Conv2d(64, 128, 3, 1, 1);
        Tensor w = Initializer.TORCHVISION_VGG.create(conv.parameters().get(0), 3);
        assertThat(Math.sqrt(variance(w))).isCloseTo(Math.sqrt(2.0 / (128 * 9)),
                org.assertj.core.data.Percentage.withPercentage(2));
        assertThat(Initializer.TORCHVISION_VGG.create(conv.parameters().get(1), 3).maxAbs()).isZero();
        Tensor lw = Initializer.TORCHVISION_VGG.create(new Linear(500, 400).parameters().get(0), 3);
        assertThat(Math.sqrt(variance(lw))).isCloseTo(0.01, org.assertj.core.data.Percentage.withPercentage(2));
        assertThat(Initializer.byName("torchvision")).isEqualTo(Initializer.TORCHVISION_VGG);
        assertThatThrownBy(() -> Initializer.byName("xavier")).hasMessageContaining("pytorch or torchvision");
    }

    @Test
    void conformToNamesEveryMissingExtraAndMisshapedTensor() {
        Network net = TestData.tinyVgg(0);
        Map<String, Tensor> m = new LinkedHashMap<>(Parameters.initialize(net, Initializer.PYTORCH_DEFAULT, 1).asMap());
        m.remove("fc.4.bias");
        m.put("fc.9.weight", Tensor.zeros(Shape.of(2)));
        m.put("fc.1.weight", Tensor.zeros(Shape.of(16, 31)));
        assertThatThrownBy(() -> Parameters.of(m).conformTo(net))
                .isInstanceOf(ParameterMismatchException.class)
                .hasMessageContaining("missing tensor 'fc.4.bias' [10]")
                .hasMessageContaining("unexpected tensor 'fc.9.weight' [2]")
                .hasMessageContaining("tensor 'fc.1.weight' has shape [16, 31], expected [16, 32]");
    }

    @Test
    void safetensorsRoundTripKeepsOrderValuesAndMetadata() throws IOException {
        Network net = TestData.tinyVgg(0);
        Parameters p = Parameters.initialize(net, Initializer.PYTORCH_DEFAULT, 5);
        Path file = dir.resolve("model.safetensors");
        SafeTensors.write(file, p, Map.of("model", "tiny"));
        SafeTensors.Contents back = SafeTensors.read(file);
        assertThat(back.tensors().names()).containsExactlyElementsOf(p.names());
        assertThat(back.tensors().maxAbsDiff(p)).isZero();
        assertThat(back.metadata()).containsEntry("model", "tiny");
        assertThat(back.tensors().conformTo(net).size()).isEqualTo(p.size());
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("model.safetensors");
        }
    }

    @Test
    void safetensorsLayoutIsTheStandardOne() throws IOException {
        Tensor t = Tensor.of(Shape.of(2), new float[] {1.5f, -2f});
        Path file = dir.resolve("one.safetensors");
        SafeTensors.write(file, Parameters.of(Map.of("w", t)), Map.of());
        byte[] bytes = Files.readAllBytes(file);
        long headerLen = java.nio.ByteBuffer.wrap(bytes, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(headerLen % 8).isZero();
        String header = new String(bytes, 8, (int) headerLen, java.nio.charset.StandardCharsets.UTF_8).trim();
        assertThat(header).isEqualTo("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}");
        assertThat(bytes.length).isEqualTo(8 + headerLen + 8);
        assertThat(java.nio.ByteBuffer.wrap(bytes, 8 + (int) headerLen, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .getFloat()).isEqualTo(1.5f);
    }

    @Test
    void truncatedOrGarbageFilesGetAClearError() throws IOException {
        Network net = TestData.tinyVgg(0);
        Path file = dir.resolve("model.safetensors");
        SafeTensors.write(file, Parameters.initialize(net, Initializer.PYTORCH_DEFAULT, 5), Map.of());
        byte[] bytes = Files.readAllBytes(file);
        Path truncated = dir.resolve("truncated.safetensors");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 10));
        assertThatThrownBy(() -> SafeTensors.read(truncated)).isInstanceOf(Vgg4jException.class)
                .hasMessageContaining("truncated.safetensors").hasMessageContaining("truncated");
        Path garbage = dir.resolve("garbage.safetensors");
        Files.writeString(garbage, "this is not a tensor file at all");
        assertThatThrownBy(() -> SafeTensors.read(garbage)).isInstanceOf(Vgg4jException.class)
                .hasMessageContaining("garbage.safetensors");
        assertThatThrownBy(() -> SafeTensors.read(dir.resolve("absent.safetensors")))
                .isInstanceOf(Vgg4jException.class).hasMessageContaining("absent.safetensors");
    }

    private static double variance(Tensor t) {
        double mean = 0;
        for (int i = 0; i < t.size(); i++) {
            mean += t.get(i);
        }
        mean /= t.size();
        double v = 0;
        for (int i = 0; i < t.size(); i++) {
            v += (t.get(i) - mean) * (t.get(i) - mean);
        }
        return v / t.size();
    }
}
