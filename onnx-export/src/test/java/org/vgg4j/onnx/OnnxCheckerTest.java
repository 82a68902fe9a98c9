package org.vgg4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.core.LayerNode;
import org.vgg4j.core.Network;
import org.vgg4j.core.layer.Dropout;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.testing.Python;
import org.vgg4j.core.testing.TestData;
import org.vgg4j.models.vgg.Vgg;
import org.vgg4j.models.vgg.VggConfig;
import org.vgg4j.models.vgg.VggVariant;

/**
 * Exported files pass the official ONNX checker ({@code onnx.checker.check_model(full_check=True)}) and strict shape
 * inference, and the shapes ONNX infers for every layer equal vgg4j's own. Skipped, with the reason, when no Python
 * with the {@code onnx} package (Debian: python3-onnx) is installed.
 */
class OnnxCheckerTest {
    private static final String SCRIPT = String.join("\n",
            "import sys, onnx",
            "from onnx import checker, shape_inference",
            "m = onnx.load(sys.argv[1])",
            "checker.check_model(m, full_check=True)",
            "inferred = shape_inference.infer_shapes(m, check_type=True, strict_mode=True)",
            "print('onnx', onnx.__version__, 'ir', m.ir_version, 'opset', m.opset_import[0].version)",
            "for v in list(inferred.graph.value_info) + list(inferred.graph.output):",
            "    dims = [d.dim_param if d.HasField('dim_param') else str(d.dim_value)"
                    + " for d in v.type.tensor_type.shape.dim]",
            "    print('SHAPE', v.name, '[' + ', '.join(dims) + ']')");

    private static Python python;

    @BeforeAll
    static void findPython() {
        Optional<Python> found = Python.withModules("onnx");
        assumeTrue(found.isPresent(), "skipped: no python3 with the onnx package (install Debian's python3-onnx, "
                + "or point -Dvgg4j.python at an interpreter that has it)");
        python = found.get();
    }

    @Test
    void narrowVgg11At224PassesCheckerAndShapesMatch(@TempDir Path dir) throws Exception {
        checkAndCompare(Vgg.vgg11Narrow(), dir.resolve("vgg11-r8.onnx"));
    }

    @Test
    void vgg19At64PassesCheckerAndShapesMatch(@TempDir Path dir) throws Exception {
        checkAndCompare(Vgg.build(VggConfig.d2l(VggVariant.VGG19).withRatio(8).withImageSize(64)),
                dir.resolve("vgg19-r8.onnx"));
    }

    /** Batch norm, and the adaptive pool as an Einsum (1x1 to 7x7 bins) at 32x32 and an AveragePool at 224x224. */
    @org.junit.jupiter.params.ParameterizedTest(name = "vgg11_bn ratio 8, {0} channel(s), {1}x{1}")
    @org.junit.jupiter.params.provider.CsvSource({"1, 32", "3, 32", "1, 224", "3, 224", "3, 64"})
    void torchvisionVgg11BnPassesCheckerAndShapesMatch(int channels, int size, @TempDir Path dir) throws Exception {
        Network net = Vgg.build(VggConfig.torchvision("vgg11_bn", 10).withRatio(8).withInChannels(channels)
                .withImageSize(size));
        checkAndCompare(net, dir.resolve("vgg11_bn.onnx"));
    }

    private static void checkAndCompare(Network network, Path file) throws Exception {
        Parameters params = TestData.heUniform(network, 3);
        OnnxExporter.write(file, network, params, ExportMetadata.forNetwork(network));

        Python.Run run = python.code(SCRIPT, file.toString());
        assertThat(run.exitCode()).as("checker output:%n%s", run.output()).isZero();

        Map<String, String> inferred = new LinkedHashMap<>();
        for (String line : run.output().split("\n")) {
            if (line.startsWith("SHAPE ")) {
                String[] parts = line.substring(6).split(" ", 2);
                inferred.put(parts[0], parts[1]);
            }
        }
        List<LayerNode> leaves = new ArrayList<>(network.leaves(1));
        leaves.removeIf(n -> n.layer() instanceof Dropout);
        Map<String, String> expected = new LinkedHashMap<>();
        boolean einsum = false;
        for (int i = 0; i < leaves.size(); i++) {
            LayerNode n = leaves.get(i);
            String name = i == leaves.size() - 1 ? OnnxExporter.OUTPUT : n.path();
            String shape = "[batch, " + n.outputShape().dropFirst().toString().substring(1);
            // onnx 1.12 infers only the rank of an Einsum (the non-uniform adaptive pool) and of what follows it
            einsum |= n.layer() instanceof org.vgg4j.core.layer.AdaptiveAvgPool2d && !inferred.getOrDefault(name, "")
                    .equals(shape);
            if (einsum) {
                assertThat(inferred.get(name)).as(name).isNotNull();
                inferred.remove(name);
                continue;
            }
            expected.put(name, shape);
        }
        System.out.println(run.output().lines().findFirst().orElse("") + ": " + network.name() + ", "
                + expected.size() + " layer shapes inferred, e.g. " + leaves.get(0).path() + " "
                + inferred.get(leaves.get(0).path()));
        assertThat(inferred).containsExactlyInAnyOrderEntriesOf(expected);
    }
}
