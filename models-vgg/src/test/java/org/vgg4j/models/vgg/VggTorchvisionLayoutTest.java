package org.vgg4j.models.vgg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.core.DType;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;

/**
 * vgg4j's torchvision layout, with and without batch norm, has exactly the {@code state_dict} (names, order, shapes,
 * dtypes) of {@code torchvision.models.<name>(num_classes=K)} as torchvision 0.14 builds it (Debian's
 * {@code /usr/bin/python3}); skipped, with the reason, where it is absent.
 */
class VggTorchvisionLayoutTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> CASES = List.of("vgg11:10", "vgg13:10", "vgg16:10", "vgg19:10", "vgg11_bn:10",
            "vgg13_bn:7", "vgg16_bn:10", "vgg19_bn:10", "vgg11_bn:1000", "vgg16:1000");
    /** What torchvision printed; null where it is absent. */
    private static JsonNode torchvision;

    @BeforeAll
    static void runTorchvision(@TempDir Path dir) throws Exception {
        Path python = Path.of(System.getProperty("vgg4j.python", "/usr/bin/python3"));
        if (!Files.isExecutable(python)) {
            return;
        }
        Path script = dir.resolve("torchvision_state_dict.py");
        try (InputStream in = VggTorchvisionLayoutTest.class.getResourceAsStream("/python/torchvision_state_dict.py")) {
            Files.write(script, in.readAllBytes());
        }
        List<String> command = new ArrayList<>(List.of(python.toString(), script.toString()));
        command.addAll(CASES);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            assumeTrue(!out.contains("No module named"), "torchvision is not installed: " + out.strip());
            throw new AssertionError("torchvision script failed: " + out);
        }
        torchvision = JSON.readTree(out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
    }

    private static List<String> ours(Network net) {
        return net.parameterSpecs().stream().map(s -> s.name() + " " + Arrays.toString(s.shape().dims()) + " "
                + (s.dtype() == DType.I64 ? "torch.int64" : "torch.float32")).toList();
    }

    private static List<String> theirs(String key) {
        List<String> out = new ArrayList<>();
        torchvision.get(key).forEach(n -> out.add(n.get(0).asText() + " "
                + Arrays.toString(JSON.convertValue(n.get(1), int[].class)) + " " + n.get(2).asText()));
        return out;
    }

    @Test
    void everyVariantAndClassCountHasTorchvisionsStateDict() {
        assumeTrue(torchvision != null, "/usr/bin/python3 with torchvision is not installed");
        for (String c : CASES) {
            String[] nk = c.split(":");
            Network net = Vgg.build(VggConfig.torchvision(nk[0], Integer.parseInt(nk[1])));
            assertThat(ours(net)).as(c).isNotEmpty().containsExactlyElementsOf(theirs(c));
        }
    }

    @Test
    void torchvisionLayoutRunsSmallInputsThroughTheAdaptivePool() {
        Network net = Vgg.build(VggConfig.torchvision("vgg11_bn", 10).withRatio(8).withInChannels(1)
                .withImageSize(32));
        assertThat(net.name()).isEqualTo("vgg11_bn-r8");
        assertThat(net.outputShape(Shape.of(2, 1, 32, 32))).isEqualTo(Shape.of(2, 10));
        // features end at 64 x 1 x 1; the adaptive pool repeats it to 64 x 7 x 7
        assertThat(net.parameterSpecs().stream().filter(s -> s.name().equals("classifier.0.weight")).findFirst()
                .orElseThrow().shape()).isEqualTo(Shape.of(512, 64 * 49));
    }

    @Test
    void d2lLayoutWithBatchNormPutsOneAfterEveryConvolution() {
        Network net = Vgg.build(VggConfig.d2l(VggVariant.VGG11).withRatio(8).withBatchNorm(true));
        assertThat(net.name()).isEqualTo("vgg11_bn-r8");
        assertThat(net.parameterSpecs()).extracting(s -> s.name()).startsWith("vgg_block_1.0.weight",
                "vgg_block_1.0.bias", "vgg_block_1.1.weight", "vgg_block_1.1.bias", "vgg_block_1.1.running_mean",
                "vgg_block_1.1.running_var", "vgg_block_1.1.num_batches_tracked", "vgg_block_2.0.weight");
        assertThat(Vgg.build(VggConfig.d2l(VggVariant.VGG11).withRatio(8)).parameterSpecs())
                .isEqualTo(Vgg.vgg11Narrow().parameterSpecs());
    }

    @Test
    void batchNormAndLayoutSurviveTheStoredModelConfiguration() {
        VggConfig tv = VggConfig.torchvision("vgg13_bn", 7).withRatio(4);
        assertThat(tv.toModelConfig().batchNorm()).isTrue();
        assertThat(tv.toModelConfig().layout()).isEqualTo("torchvision");
        assertThat(VggConfig.from(tv.toModelConfig())).isEqualTo(tv);
        VggConfig d2l = VggConfig.d2l(VggVariant.VGG11).withRatio(8);
        assertThat(VggConfig.from(d2l.toModelConfig())).isEqualTo(d2l);
        assertThat(d2l.toModelConfig()).isEqualTo(org.vgg4j.core.config.ModelConfig.reference());
    }

    @Test
    void unknownTorchvisionNamesListTheChoices() {
        assertThatThrownBy(() -> VggConfig.torchvision("vgg12_bn", 10)).hasMessageContaining("vgg11, vgg13");
        assertThatThrownBy(() -> VggLayout.byName("keras"))
                .hasMessage("unknown layout 'keras': use d2l or torchvision");
    }
}
