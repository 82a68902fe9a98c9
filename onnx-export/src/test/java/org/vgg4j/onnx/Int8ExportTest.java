package org.vgg4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnx.proto.OnnxMl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.core.Network;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.testing.Python;
import org.vgg4j.core.testing.TestData;

/**
 * The int8 QDQ file: passes {@code onnx.checker.check_model(full_check=True)}, and its scales, zero points and
 * quantized values equal an independent numpy computation from the float export (per-channel weight scale
 * {@code max|w| / 127}, {@code clip(rint(w / s), -127, 127)}, int32 bias with scale {@code s_x * s_w}, uint8 activation
 * scale {@code (max - min) / 255} over the range widened to 0 and zero point {@code rint(-min / s)}), and numpy's
 * {@code (q - zp) * s} gives back exactly the dequantized weights whose digest the file records; the first convolution
 * (on the image) keeps its float weights.
 */
class Int8ExportTest {
    /** Checks the int8 file argv[2] against the float file argv[1] and the ranges in argv[3] (name=min,max;...). */
    private static final String SCRIPT = String.join("\n",
            "import sys, json, struct, hashlib, onnx, numpy as np",
            "from onnx import checker, numpy_helper",
            "f = onnx.load(sys.argv[1]); q = onnx.load(sys.argv[2])",
            "checker.check_model(q, full_check=True)",
            "fi = {t.name: numpy_helper.to_array(t) for t in f.graph.initializer}",
            "qi = {t.name: numpy_helper.to_array(t) for t in q.graph.initializer}",
            "ranges = {}",
            "for item in sys.argv[3].split(';'):",
            "    k, v = item.split('=')",
            "    lo, hi = v.split(',')",
            "    ranges[k] = (np.float32(lo), np.float32(hi))",
            "def act(name):",
            "    lo, hi = ranges[name]",
            "    lo = min(lo, np.float32(0)); hi = max(hi, np.float32(0))",
            "    s = np.float32((hi - lo) / np.float32(255))",
            "    zp = np.uint8(np.clip(np.rint(-lo / s), 0, 255))",
            "    return s, zp",
            "checked = 0",
            "props = {p.key: p.value for p in q.metadata_props}",
            "scheme = json.loads(props['vgg4j.quantization'])",
            "guards = scheme.get('no_op_relus', [])",
            "for v in ranges:",
            "    s, zp = act(v)",
            "    if v + '/relu' in guards:",  // after the float block: zero point 1, 254 steps above it
            "        lo, hi = ranges[v]; lo = min(lo, np.float32(0)); hi = max(hi, np.float32(0))",
            "        s = np.float32((hi - lo) / np.float32(254)); zp = np.uint8(np.rint(-lo / s) + 1)",
            "        v = v + '/relu'",
            "    assert qi[v + '/scale'].dtype == np.float32 and qi[v + '/scale'] == s, (v, qi[v + '/scale'], s)",
            "    assert qi[v + '/zero_point'].dtype == np.uint8 and qi[v + '/zero_point'] == zp, v",
            "    checked += 1",
            "qnodes = {n.name: n for n in q.graph.node}",
            "deq = {}",
            "for node in f.graph.node:",
            "    if node.op_type not in ('Conv', 'Gemm'):",
            "        continue",
            // the first convolution stays float32
            "    if node.input[0] == 'input':",
            "        w = qi[node.input[1]]; c = fi[node.input[1]].shape[0]",
            "        assert node.input[1] + '/quantized' not in qi",
            "        if guards:",  // before a max pool: padded with zero filters to 16
            "            assert w.shape[0] == 16 and scheme['padded_channels'] == {node.name: c}, (w.shape, scheme)",
            "        assert np.array_equal(w[:c], fi[node.input[1]]) and not w[c:].any(), node.name",
            "        assert np.array_equal(qi[node.input[2]][:c], fi[node.input[2]]) and not qi[node.input[2]][c:].any()",
            "        continue",
            "    w = fi[node.input[1]]; b = fi[node.input[2]]",
            "    rows = w.reshape(w.shape[0], -1)",
            "    s = (np.abs(rows).max(axis=1) / np.float32(127)).astype(np.float32)",
            "    s = np.where(s > 0, s, np.float32(1)).astype(np.float32)",
            "    qw = np.clip(np.rint(rows / s[:, None]), -127, 127).astype(np.int8).reshape(w.shape)",
            "    assert np.array_equal(qi[node.input[1] + '/scale'], s), node.name",
            "    assert qi[node.input[1] + '/quantized'].dtype == np.int8, node.name",
            "    qq = qi[node.input[1] + '/quantized']",
            "    if qq.shape != qw.shape:",  // the input channels that meet the padded filters: zero
            "        assert qq.shape[1] == 16 and not qq[:, qw.shape[1]:].any(), qq.shape",
            "        qq = qq[:, :qw.shape[1]]",
            "    assert np.array_equal(qq, qw), node.name",
            "    assert not qi[node.input[1] + '/zero_point'].any()",
            "    x = qnodes[node.name].input[0]",
            "    assert x.endswith('/dequantized'), x",
            "    sx = qi[x[:-len('/dequantized')] + '/scale']",
            "    bs = (sx * s).astype(np.float32)",
            "    assert np.array_equal(qi[node.input[2] + '/scale'], bs), node.name",
            "    assert qi[node.input[2] + '/quantized'].dtype == np.int32",
            "    assert np.array_equal(qi[node.input[2] + '/quantized'], np.rint(b / bs).astype(np.int32)), node.name",
            "    deq[node.input[1]] = (qw.astype(np.float32) * s.reshape((-1,) + (1,) * (w.ndim - 1))).astype(np.float32)",
            "    deq[node.input[2]] = (np.rint(b / bs).astype(np.float32) * bs).astype(np.float32)",
            "    checked += 1",
            // the digest of the dequantized weights, in the float file's initializer order (the network's)
            "h = hashlib.sha256()",
            "for t in f.graph.initializer:",
            "    a = deq.get(t.name, fi[t.name]).astype('<f4')",
            "    h.update(t.name.encode() + b'\\0' + struct.pack('<i', a.ndim) + struct.pack('<%di' % a.ndim, *a.shape))",
            "    h.update(a.tobytes())",
            "assert props['vgg4j.parameters.sha256'] == h.hexdigest(), (props['vgg4j.parameters.sha256'], h.hexdigest())",
            "ops = [n.op_type for n in q.graph.node]",
            "print('checked', checked, 'tensors;', ops.count('QuantizeLinear'), 'QuantizeLinear,',"
                    + " ops.count('DequantizeLinear'), 'DequantizeLinear, onnx', onnx.__version__)");

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"tiny", "vgg11"})
    void quantizedValuesMatchNumpyAndTheFilePassesTheChecker(String which, @TempDir Path dir) throws Exception {
        Optional<Python> python = Python.withModules("onnx, numpy");
        assumeTrue(python.isPresent(), "skipped: no python3 with onnx and numpy (Debian: python3-onnx)");
        // tiny: the float first convolution feeds the second directly; vgg11: through a max pool (guard, padding)
        Network network = which.equals("tiny") ? TestData.tinyVgg(0.5) : org.vgg4j.models.vgg.Vgg.build(
                org.vgg4j.models.vgg.VggConfig.d2l(org.vgg4j.models.vgg.VggVariant.VGG11).withRatio(8)
                        .withImageSize(32));
        Parameters params = TestData.heUniform(network, 7);
        Path fp32 = dir.resolve("fp32.onnx");
        Path int8 = dir.resolve("int8.onnx");
        ExportMetadata meta = ExportMetadata.forNetwork(network);
        OnnxExporter.write(fp32, network, params, meta);
        Int8Calibration cal = ranges(OnnxExporter.toModel(network, params, meta), 3);
        Int8Export.write(int8, network, params, meta, cal);

        StringBuilder arg = new StringBuilder();
        cal.ranges().forEach((k, v) -> arg.append(arg.length() == 0 ? "" : ";").append(k).append('=')
                .append(v.min()).append(',').append(v.max()));
        Python.Run run = python.get().code(SCRIPT, fp32.toString(), int8.toString(), arg.toString());
        System.out.println(network.name() + ": " + run.output().strip());
        assertThat(run.exitCode()).as("python output:%n%s", run.output()).isZero();
        long weighted = network.leaves(1).stream().filter(l -> l.layer() instanceof org.vgg4j.core.layer.Conv2d
                || l.layer() instanceof org.vgg4j.core.layer.Linear).count();
        assertThat(run.output()).contains("checked " + (cal.ranges().size() + weighted - 1) + " tensors");
        if (which.equals("vgg11")) {
            OnnxMl.ModelProto q = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(int8));
            assertThat(q.getGraph().getNodeList()).anyMatch(n -> n.getName().equals("vgg_block_1.1" + Int8Export.GUARD)
                    || n.getName().equals("vgg_block_1.2" + Int8Export.GUARD));
        } // + 3 Conv, 2 Gemm
    }

    @Test
    void sameInputsSameBytesAndEveryCalibrationPointIsNeeded() {
        Network network = TestData.tinyVgg(0.5);
        Parameters params = TestData.heUniform(network, 7);
        ExportMetadata meta = ExportMetadata.forNetwork(network);
        OnnxMl.ModelProto fp32 = OnnxExporter.toModel(network, params, meta);
        Int8Calibration cal = ranges(fp32, 3);
        assertThat(Int8Export.export(network, params, meta, cal)).isEqualTo(Int8Export.export(network, params, meta,
                ranges(fp32, 3)));
        List<String> points = Int8Export.calibrationPoints(fp32);
        // the first convolution stays float: calibration starts where it meets the second
        assertThat(points.get(0)).isEqualTo("vgg_block_1.1");
        assertThat(points).doesNotContain(OnnxExporter.OUTPUT);
        for (String p : points) {
            Map<String, ActivationRange> fewer = new LinkedHashMap<>(cal.ranges());
            fewer.remove(p);
            assertThatThrownBy(() -> Int8Export.toModel(network, params, meta, new Int8Calibration(fewer, 8)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + p + "'");
        }
    }

    @Test
    void arithmetic() {
        float[] w = {0.5f, -1.27f, 0f, 0.01f, 0f, 0f};
        float[] s = Int8Quantizer.weightScales(w, 3);
        assertThat(s).containsExactly(1.27f / 127, 0.01f / 127, 1f);
        assertThat(Int8Quantizer.quantizeWeights(w, s)).containsExactly(50, -127, 0, 127, 0, 0);
        ActivationRange relu = new ActivationRange(0f, 2.55f);
        assertThat(Int8Quantizer.activationZeroPoint(relu)).isZero();
        assertThat(Int8Quantizer.activationScale(relu)).isEqualTo(2.55f / 255);
        ActivationRange both = new ActivationRange(-1f, 3f);
        assertThat(Int8Quantizer.activationScale(both)).isEqualTo(4f / 255);
        assertThat(Int8Quantizer.activationZeroPoint(both)).isEqualTo(64); // rint(63.75)
        assertThat(Int8Quantizer.activationZeroPoint(new ActivationRange(1f, 2f))).isZero(); // range widened to 0
        assertThat(Int8Quantizer.dequantize(new long[] {64, 0, 255}, new float[] {0.5f}, new long[] {64}))
                .containsExactly(0f, -32f, 95.5f);
        assertThatThrownBy(() -> new ActivationRange(1f, 0f)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Seeded ranges for every calibration point: [0, hi] after a ReLU-like value, else [lo, hi] around 0. */
    private static Int8Calibration ranges(OnnxMl.ModelProto fp32, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, ActivationRange> out = new LinkedHashMap<>();
        for (String p : Int8Export.calibrationPoints(fp32)) {
            float hi = 0.5f + (float) rnd.nextDouble() * 4;
            float lo = rnd.nextBoolean() ? 0f : -(float) rnd.nextDouble() * 2;
            out.put(p, new ActivationRange(lo, hi));
        }
        return new Int8Calibration(out, 8);
    }
}
