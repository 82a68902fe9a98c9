package org.vgg4j.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.layer.Conv2d;
import org.vgg4j.core.layer.Linear;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.testing.TestData;
import org.vgg4j.onnx.ExportMetadata;
import org.vgg4j.onnx.Int8Calibration;
import org.vgg4j.onnx.Int8Export;
import org.vgg4j.onnx.OnnxMetadata;
import org.vgg4j.onnx.ParameterDigest;

/**
 * An int8 (QDQ) export of the narrow VGG-11 at 32x32, calibrated with {@link Int8Calibrator}: ONNX Runtime's optimized
 * graph runs every convolution but the first (on the image, left in float32) as QLinearConv and every linear layer as an integer QGemm (so the model cannot run in
 * float32 unnoticed), its logits stay close to the float model's, and vgg4j reads the file back as the float network
 * with the dequantized weights.
 */
class Int8ModelTest {
    private static final int CALIBRATION = 96;
    private static Network network;
    private static Parameters params;
    private static Tensor images;
    private static byte[] int8;

    @BeforeAll
    static void export() {
        network = TestModels.smallVgg();
        params = TestData.heUniform(network, 5);
        images = TestData.patternImages(TestData.labels(CALIBRATION, 10, 9), 11);
        List<Tensor> batches = new ArrayList<>();
        for (int i = 0; i < CALIBRATION; i += 32) {
            float[] d = new float[32 * 1024];
            System.arraycopy(images.toArray(), i * 1024, d, 0, d.length);
            batches.add(Tensor.wrap(org.vgg4j.core.Shape.of(32, 1, 32, 32), d));
        }
        Int8Calibration cal = Int8Calibrator.calibrate(network, params, batches.iterator(), CALIBRATION,
                new OnnxRuntimeOptions(2, 0));
        assertThat(cal.images()).isEqualTo(CALIBRATION);
        int8 = Int8Export.export(network, params, ExportMetadata.forNetwork(network), cal);
    }

    @Test
    void onnxRuntimeRunsIntegerKernels(@TempDir Path dir) throws Exception {
        Path optimized = dir.resolve("optimized.onnx");
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            so.setOptimizedModelFilePath(optimized.toString());
            try (OrtSession s = OrtEnvironment.getEnvironment().createSession(int8, so)) {
                assertThat(s.getInputNames()).containsExactly("input");
            }
        }
        Map<String, Integer> ops = new TreeMap<>();
        List<String> floatConvs = new ArrayList<>();
        for (OnnxMl.NodeProto n : OnnxMl.ModelProto.parseFrom(Files.readAllBytes(optimized)).getGraph()
                .getNodeList()) {
            ops.merge(n.getOpType(), 1, Integer::sum);
            if (n.getOpType().equals("Conv") || n.getOpType().equals("FusedConv")) {
                floatConvs.add(n.getName());
            }
        }
        System.out.println("ONNX Runtime's optimized int8 graph: " + ops);
        long convs = network.leaves(1).stream().filter(l -> l.layer() instanceof Conv2d).count();
        long linears = network.leaves(1).stream().filter(l -> l.layer() instanceof Linear).count();
        // every convolution but the first (which reads the 1-channel image and stays float32) is integer
        assertThat(ops.getOrDefault("QLinearConv", 0)).as("QLinearConv in %s", ops).isEqualTo((int) convs - 1);
        assertThat(ops.getOrDefault("QGemm", 0)).as("QGemm in %s", ops).isEqualTo((int) linears);
        assertThat(ops.getOrDefault("Conv", 0) + ops.getOrDefault("FusedConv", 0)).as("float convolutions in %s", ops)
                .isEqualTo(1);
        assertThat(floatConvs).allMatch(name -> name.startsWith("vgg_block_1."), "the first convolution (+ ReLU)");
        assertThat(ops).as("no float matrix product is left").doesNotContainKeys("Gemm", "FusedGemm", "MatMul");
    }

    @Test
    void logitsStayCloseToTheFloatModel(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("int8.onnx");
        Files.write(file, int8);
        OnnxBackend backend = new OnnxBackend(new OnnxRuntimeOptions(2, 16));
        Tensor test = TestData.patternImages(TestData.labels(64, 10, 21), 23);
        float[] q;
        float[] f;
        try (OnnxSession s = backend.openFile(file, Device.cpu())) {
            assertThat(s.paddedConvolutions()).as("an int8 file runs as it is").isZero();
            q = s.predict(test).toArray();
        }
        try (OnnxSession s = backend.open(network, params, Device.cpu())) {
            f = s.predict(test).toArray();
        }
        double maxLogit = 0;
        double maxDiff = 0;
        int agree = 0;
        for (int n = 0; n < 64; n++) {
            int qa = 0;
            int fa = 0;
            for (int c = 0; c < 10; c++) {
                maxLogit = Math.max(maxLogit, Math.abs(f[n * 10 + c]));
                maxDiff = Math.max(maxDiff, Math.abs(f[n * 10 + c] - q[n * 10 + c]));
                qa = q[n * 10 + c] > q[n * 10 + qa] ? c : qa;
                fa = f[n * 10 + c] > f[n * 10 + fa] ? c : fa;
            }
            agree += qa == fa ? 1 : 0;
        }
        System.out.printf("int8 vs float32 logits: max |diff| %.4f of max |logit| %.4f, argmax agrees on %d/64%n",
                maxDiff, maxLogit, agree);
        assertThat(maxDiff).isLessThan(0.1 * maxLogit).isGreaterThan(0);
        assertThat(agree).isGreaterThanOrEqualTo(58);
    }

    /**
     * torchvision's vgg11_bn layout (batch norm, the adaptive pool as an Einsum at 32x32): batch norm and the pool run
     * in float32 between quantized convolutions; the logits stay close and the file reads back as the network.
     */
    @Test
    void batchNormNetworkExportsRunsAndReadsBack() {
        Network bn = org.vgg4j.models.vgg.Vgg.build(org.vgg4j.models.vgg.VggConfig.torchvision("vgg11_bn", 10)
                .withRatio(8).withImageSize(32).withInChannels(1));
        Parameters p = TestData.withBatchNormStatistics(bn, 3);
        Tensor test = TestData.patternImages(TestData.labels(32, 10, 4), 5);
        Int8Calibration cal = Int8Calibrator.calibrate(bn, p, List.of(test).iterator(), 32,
                new OnnxRuntimeOptions(2, 0));
        byte[] file = Int8Export.export(bn, p, ExportMetadata.forNetwork(bn), cal);
        OnnxModelFile read = OnnxModelFile.parse(file, "int8 vgg11_bn");
        assertThat(read.network()).isEqualTo(bn);
        OnnxBackend backend = new OnnxBackend(new OnnxRuntimeOptions(2, 16));
        float[] q;
        float[] f;
        try (OnnxSession s = backend.open(read, Device.cpu())) {
            q = s.predict(test).toArray();
        }
        try (OnnxSession s = backend.open(bn, p, Device.cpu())) {
            f = s.predict(test).toArray();
        }
        double maxLogit = 0;
        double maxDiff = 0;
        for (int i = 0; i < f.length; i++) {
            maxLogit = Math.max(maxLogit, Math.abs(f[i]));
            maxDiff = Math.max(maxDiff, Math.abs(f[i] - q[i]));
        }
        System.out.printf("vgg11_bn int8 vs float32 logits: max |diff| %.4f of max |logit| %.4f%n", maxDiff, maxLogit);
        assertThat(maxDiff).isLessThan(0.1 * maxLogit);
    }

    @Test
    void readsBackAsTheFloatNetworkWithDequantizedWeights() {
        OnnxModelFile file = OnnxModelFile.parse(int8, "int8 model");
        assertThat(file.quantized()).isTrue();
        assertThat(file.network()).isEqualTo(network);
        assertThat(file.info().properties()).containsKey(OnnxMetadata.QUANTIZATION);
        assertThat(file.info().parameterDigest()).isEqualTo(ParameterDigest.sha256(file.parameters()))
                .isNotEqualTo(ParameterDigest.sha256(params.conformTo(network)));
        // every weight within half a quantization step (max|w| / 127 / 2) of the float one
        for (String name : params.names()) {
            float[] a = params.get(name).toArray();
            float[] b = file.parameters().get(name).toArray();
            float step = 0;
            for (float v : a) {
                step = Math.max(step, Math.abs(v) / 127f);
            }
            for (int i = 0; i < a.length; i++) {
                assertThat((double) Math.abs(a[i] - b[i])).as(name).isLessThanOrEqualTo(name.endsWith("weight")
                        ? step / 2 * 1.0001 : 1e-3);
            }
        }
        assertThat(OnnxModelFile.parse(org.vgg4j.onnx.OnnxExporter.export(network, params,
                ExportMetadata.forNetwork(network)), "float model").quantized()).isFalse();
    }
}
