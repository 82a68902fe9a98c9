package org.vgg4j.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.core.DType;
import org.vgg4j.core.Network;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.layer.ParameterSpec;
import org.vgg4j.core.param.Parameters;

/**
 * The float64 reference's batch norm (train and eval mode, backward, running-statistics update), average pooling
 * with padding and adaptive average pooling over non-divisible sizes agree with torch.nn (torch 1.13, float64) on the
 * same network, weights, non-trivial running statistics and input. Skipped, with the reason, without python3 + torch.
 */
class ReferenceBatchNormTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double TOL = 1e-9;
    private static Network net;
    private static Parameters params;
    private static Tensor images;
    private static int[] labels;
    /** What torch printed; null where python3 with torch is absent. */
    private static JsonNode torch;

    @BeforeAll
    static void runTorch(@TempDir Path dir) throws Exception {
        net = TestData.batchNormNetwork();
        params = TestData.withBatchNormStatistics(net, 17);
        images = TestData.images(net.sampleShape().prepend(5), 3);
        labels = TestData.labels(5, 4, 4);
        Optional<Python> python = Python.withModules("torch");
        if (python.isEmpty()) {
            return;
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("input", doubles(images));
        c.put("shape", images.shape().dims());
        c.put("labels", labels);
        Map<String, Object> ps = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : params.asMap().entrySet()) {
            ps.put(e.getKey(), Map.of("shape", e.getValue().shape().dims(), "values", doubles(e.getValue())));
        }
        c.put("params", ps);
        Path file = dir.resolve("case.json");
        JSON.writeValue(file.toFile(), c);
        String script;
        try (InputStream in = ReferenceBatchNormTest.class.getResourceAsStream("/python/reference_bn.py")) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Path scriptFile = Files.writeString(dir.resolve("reference_bn.py"), script);
        Python.Run run = python.get().script(scriptFile, file.toString());
        assertThat(run.exitCode()).as(run.output()).isZero();
        torch = JSON.readTree(run.output().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
    }

    private static List<Double> doubles(Tensor t) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < t.size(); i++) {
            out.add(t.dtype() == DType.I64 ? (double) t.getLong(i) : (double) t.get(i));
        }
        return out;
    }

    private static void assumeTorch() {
        assumeThat(torch).as("python3 with torch is not installed (apt-get install python3-torch)").isNotNull();
    }

    private static void assertClose(String what, double[] actual, JsonNode expected) {
        assertThat(actual).as(what + " length").hasSize(expected.size());
        double scale = 0;
        for (JsonNode e : expected) {
            scale = Math.max(scale, Math.abs(e.asDouble()));
        }
        for (int i = 0; i < actual.length; i++) {
            assertThat(actual[i]).as(what + "[" + i + "]")
                    .isCloseTo(expected.get(i).asDouble(), org.assertj.core.data.Offset.offset(TOL * (1 + scale)));
        }
    }

    @Test
    void stateDictNamesShapesAndDtypesArePyTorchs() {
        assumeTorch();
        List<String> ours = net.parameterSpecs().stream()
                .map(s -> s.name() + " " + java.util.Arrays.toString(s.shape().dims()) + " "
                        + (s.dtype() == DType.I64 ? "torch.int64" : "torch.float64"))
                .toList();
        List<String> theirs = new ArrayList<>();
        torch.get("names").forEach(n -> theirs.add(n.get(0).asText() + " "
                + java.util.Arrays.toString(JSON.convertValue(n.get(1), int[].class)) + " " + n.get(2).asText()));
        assertThat(ours).containsExactlyElementsOf(theirs);
        List<String> reprs = new ArrayList<>();
        torch.get("reprs").forEach(r -> reprs.add(r.asText()));
        assertThat(net.leaves(1)).extracting(n -> n.layer().describe()).containsExactlyElementsOf(reprs);
        assertThat(net.trainableSpecs()).extracting(ParameterSpec::name)
                .containsExactlyElementsOf(iterable(torch.get("grads").fieldNames()));
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void evalModeUsesTheRunningStatistics() {
        assumeTorch();
        assertClose("eval logits", ReferenceForward.logits(net, params, images), torch.get("eval_logits"));
    }

    @Test
    void trainModeOutputGradientsAndUpdatedStatisticsMatchTorch() {
        assumeTorch();
        ReferenceForward.TrainingPass pass = ReferenceForward.trainingPass(net, params, images, labels, null);
        assertThat(pass.loss()).isCloseTo(torch.get("loss").asDouble(), org.assertj.core.data.Offset.offset(TOL));
        assertClose("train logits", pass.logits(), torch.get("train_logits"));
        // train-mode logits differ from eval-mode ones: the batch statistics were really used
        assertThat(Math.abs(pass.logits()[0] - torch.get("eval_logits").get(0).asDouble())).isGreaterThan(1e-3);
        for (Map.Entry<String, double[]> g : pass.gradients().entrySet()) {
            assertClose("grad " + g.getKey(), g.getValue(), torch.get("grads").get(g.getKey()));
        }
        assertThat(pass.buffers().keySet()).containsExactlyElementsOf(iterable(torch.get("buffers").fieldNames()));
        for (Map.Entry<String, double[]> b : pass.buffers().entrySet()) {
            assertClose("buffer " + b.getKey(), b.getValue(), torch.get("buffers").get(b.getKey()));
        }
        assertThat(pass.buffers().get("features.1.num_batches_tracked")).containsExactly(4.0);
    }
}
