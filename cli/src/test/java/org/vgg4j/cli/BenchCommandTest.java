package org.vgg4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.cli.bench.BenchChart;
import org.vgg4j.cli.bench.CaseLauncher;
import org.vgg4j.cli.bench.CaseResult;
import org.vgg4j.cli.bench.CaseRunner;
import org.vgg4j.cli.bench.FlopCounter;
import org.vgg4j.cli.bench.GemmPeak;
import org.vgg4j.cli.bench.LoaderBench;
import org.vgg4j.cli.bench.TorchProbe;
import org.vgg4j.cli.bench.Workload;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.layer.Conv2d;
import org.vgg4j.core.layer.Flatten;
import org.vgg4j.core.layer.Linear;
import org.vgg4j.core.layer.MaxPool2d;
import org.vgg4j.core.layer.Relu;
import org.vgg4j.core.layer.Sequential;

class BenchCommandTest {
    @TempDir
    Path dir;

    static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private static final Network TINY = new Network("tiny", Sequential.of(new Conv2d(1, 8, 3, 1, 1), new Relu(),
            new MaxPool2d(2, 2), new Flatten(), new Linear(128, 10)), Shape.of(1, 8, 8));

    @Test
    void flopCounterCountsConvolutionsAndLinearLayersByHand() {
        // conv 1->8, 3x3, on 8x8 (same padding): 2*1*9*8*64 = 9216; linear 128->10: 2*128*10 = 2560
        assertThat(FlopCounter.forwardPerSample(TINY)).isEqualTo(9216 + 2560);
        assertThat(FlopCounter.trainingStepPerSample(TINY)).isEqualTo(3 * (9216 + 2560));
        assertThat(FlopCounter.gemm(1000)).isEqualTo(2_000_000_000L);
        // narrow VGG-11 at 224x224, the 8 convolutions and 3 linear layers summed by hand (python one-liner)
        assertThat(FlopCounter.forwardPerSample(CaseRunner.benchNetwork(224))).isEqualTo(242_182_144L);
        assertThat(FlopCounter.forwardPerSample(CaseRunner.benchNetwork(32)))
                .isLessThan(FlopCounter.forwardPerSample(CaseRunner.benchNetwork(96)));
        assertThat(FlopCounter.forwardPerSample(CaseRunner.gemmNetwork(64))).isEqualTo(2 * 64 * 64);
    }

    @Test
    void workloadsDefaultToTheIssuesBatches() {
        assertThat(Workload.parse("32")).isEqualTo(new Workload(32, 128));
        assertThat(Workload.parse("96")).isEqualTo(new Workload(96, 64));
        assertThat(Workload.parse(" 224 ")).isEqualTo(new Workload(224, 64));
        assertThat(Workload.parse("64:16")).isEqualTo(new Workload(64, 16));
        assertThatThrownBy(() -> Workload.parse("64:x")).hasMessageContaining("SIZE:BATCH");
        assertThatThrownBy(() -> Workload.parse("0")).hasMessageContaining(">= 1");
    }

    @Test
    void resultLinesRoundTripAndMedianIsTheMiddle() {
        CaseResult r = new CaseResult(List.of(5.0, 1.0, 3.0, 100.0), 2048, null);
        CaseResult back = CaseResult.parse(r.toLine());
        assertThat(back.millis()).containsExactly(5.0, 1.0, 3.0, 100.0);
        assertThat(back.peakRssKb()).isEqualTo(2048);
        assertThat(back.medianMillis()).isEqualTo(4.0);
        assertThat(new CaseResult(List.of(9.0, 2.0, 4.0), -1, null).medianMillis()).isEqualTo(4.0);
        CaseResult skip = CaseResult.parse(CaseResult.skipped("cannot train (inference only)").toLine());
        assertThat(skip.ok()).isFalse();
        assertThat(skip.skipReason()).isEqualTo("cannot train (inference only)");
        assertThat(r.merge(skip)).isSameAs(r);
        assertThat(r.merge(new CaseResult(List.of(7.0), 4096, null)).millis()).hasSize(5);
        assertThatThrownBy(() -> CaseResult.parse("hello")).hasMessageContaining("not a result line");
    }

    @Test
    void peakIsTheFastestRunAndTheSpreadIsItsMinMedianMax() {
        GemmPeak p = new GemmPeak(List.of(80.0, 120.0, 100.0, 90.0));
        assertThat(p.best()).isEqualTo(120.0);
        assertThat(p.min()).isEqualTo(80.0);
        assertThat(p.median()).isEqualTo(95.0);
        assertThat(p.max()).isEqualTo(120.0);
        assertThat(p.describe()).isEqualTo("best 120.0 GFLOP/s (4 run(s): min 80.0 / median 95.0 / max 120.0)");
        assertThat(new GemmPeak(List.of(50.0, 10.0, 30.0)).median()).isEqualTo(30.0);
        assertThatThrownBy(() -> new GemmPeak(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GemmPeak(List.of(1.0, Double.NaN))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void torchProbeNamesTheBlasThePythonProcessMapped() {
        TorchProbe open = TorchProbe.parse("VGG4J-TORCH 1.13.0a0|generic|"
                + "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so;"
                + "/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3");
        assertThat(open.torchVersion()).isEqualTo("1.13.0a0");
        assertThat(open.blas()).isEqualTo("OpenBLAS");
        assertThat(open.optimised()).isTrue();
        TorchProbe netlib = TorchProbe.parse("VGG4J-TORCH 1.13.0a0|generic|/usr/lib/x86_64-linux-gnu/blas/libblas.so.3");
        assertThat(netlib.blas()).isEqualTo("reference BLAS (netlib)");
        assertThat(netlib.optimised()).isFalse();
        assertThat(TorchProbe.parse("VGG4J-TORCH 2.1.0|mkl|/opt/lib/libmkl_rt.so.2").blas()).isEqualTo("MKL");
        TorchProbe none = TorchProbe.parse("VGG4J-TORCH 2.1.0|mkl|");
        assertThat(none.libraries()).isEmpty();
        assertThat(none.blas()).isEqualTo("unknown (BLAS_INFO mkl)");
        assertThat(none.optimised()).isFalse();
        assertThatThrownBy(() -> TorchProbe.parse("VGG4J-TORCH 2.1.0")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void chartIsAGroupedBarPerCaseAndEngineNextToTheTable() throws Exception {
        assertThat(BenchChart.besides(Path.of("/r/bench.md"))).isEqualTo(Path.of("/r/bench.png"));
        assertThat(BenchChart.besides(Path.of("table.txt"))).isEqualTo(Path.of("table.txt.png"));
        BenchChart chart = new BenchChart();
        assertThat(chart.isEmpty()).isTrue();
        chart.add("train 32", "pytorch", 40.0);
        chart.add("train 32", "tensorflow", 80.0);
        chart.add("infer 32", "onnx", 90.0); // pytorch and tensorflow have no infer bar: no bar, no failure
        Path png = dir.resolve("c.png");
        chart.write(png, "t", "% of peak");
        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(1000);
        assertThat(img.getHeight()).isEqualTo(560);
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int x = 0; x < img.getWidth(); x += 4) {
            for (int y = 0; y < img.getHeight(); y += 4) {
                colours.add(img.getRGB(x, y));
            }
        }
        assertThat(colours).as("bars in three series colours, not a blank image").hasSizeGreaterThan(4);
    }

    @Test
    void loaderBenchStreamsResizedBatchesAndRefusesMoreThanTheEpochHas() {
        int n = 40;
        byte[] pixels = new byte[n * 28 * 28];
        new java.util.Random(1).nextBytes(pixels);
        byte[] labels = new byte[n];
        org.vgg4j.datasets.ImageDataset data = org.vgg4j.datasets.ImageDataset.of(
                org.vgg4j.datasets.DatasetSpec.custom("mem", List.of("a", "b")), org.vgg4j.datasets.Split.TRAIN,
                new org.vgg4j.datasets.IdxImages(null, n, 28, 28, pixels), new org.vgg4j.datasets.IdxLabels(null, labels));
        double rate = LoaderBench.imagesPerSecond(data, 64, 4, 2, 5);
        assertThat(rate).isPositive().isFinite();
        assertThatThrownBy(() -> LoaderBench.imagesPerSecond(data, 64, 4, 2, 9))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10 batches of 4");
        assertThatThrownBy(() -> LoaderBench.imagesPerSecond(data, 64, 4, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        org.vgg4j.datasets.transform.Augmentation cropFlip = org.vgg4j.datasets.transform.Augmentation.of(
                org.vgg4j.core.config.DataConfig.reference().withAugmentation("crop,flip", 4), 64);
        assertThat(LoaderBench.imagesPerSecond(data, 64, 4, 2, 5, cropFlip)).isPositive().isFinite();
        assertThat(LoaderBench.imagesPerCpuSecond(data, 64, 4, 5, cropFlip)).isPositive().isFinite();
        assertThatThrownBy(() -> LoaderBench.imagesPerCpuSecond(data, 64, 4, 10, cropFlip))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("need 1 to 9 batches");
    }

    @Test
    void layerSpecDescribesEveryLayerForThePythonReference() {
        assertThat(CaseLauncher.layerSpec(TINY)).isEqualTo("conv:1:8:3:1:1,relu,pool:2:2,flatten,linear:128:10");
        assertThat(CaseLauncher.layerSpec(CaseRunner.benchNetwork(32))).startsWith("conv:1:8:3:1:1,relu,pool:2:2,")
                .endsWith(",dropout:0.5,linear:512:10");
    }

    @Test
    void badOptionsAreUsageErrors() {
        CliRun sizes = run("bench", "--sizes", "32:x", "--no-python");
        assertThat(sizes.exit()).isEqualTo(2);
        assertThat(sizes.err()).contains("SIZE:BATCH");
        CliRun backend = run("bench", "--backends", "mxnet", "--no-python");
        assertThat(backend.exit()).isEqualTo(2);
        assertThat(backend.err()).contains("unknown backend 'mxnet'", "onnx");
        assertThat(run("bench", "--modes", "fly", "--no-python").err()).contains("use train and/or infer");
        assertThat(run("bench", "--loader-batches", "-1", "--no-python").err()).contains("--loader-batches");
        CliRun peakRuns = run("bench", "--peak-runs", "0", "--no-python");
        assertThat(peakRuns.exit()).isEqualTo(2);
        assertThat(peakRuns.err()).contains("--peak-runs");
    }

    @Test
    void benchRunsEachCaseInAChildJvmAndWritesTheTable() throws Exception {
        Path table = dir.resolve("out/table.md");
        CliRun r = run("bench", "--sizes", "32:4", "--backends", "onnx,pytorch", "--iterations", "2", "--warmup", "1",
                "--threads", "1", "--gemm", "64", "--peak-runs", "2", "--loader-batches", "3", "--no-python", "--output", table.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        String md = Files.readString(table);
        assertThat(md).contains("fastest of 2 warmed-up runs per engine")
                .containsPattern("\\| onnx \\| 2 \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+ \\|")
                .doesNotContain("Issue 6 targets");
        if (Files.isDirectory(Path.of("/usr/share/datasets/fashion-mnist"))) {
            // loader images/s against the pytorch train row's images/s, and their ratio
            assertThat(md).contains("Data pipeline alone (DataLoader, Fashion-MNIST training split, 3 timed batches")
                    .containsPattern("\\| 32 \\| 4 \\| [0-9]+ \\| [0-9]+ \\(pytorch\\) \\| [0-9.]+x \\|");
        }
        java.awt.image.BufferedImage png = javax.imageio.ImageIO.read(dir.resolve("out/table.png").toFile());
        assertThat(png).as("chart next to the table").isNotNull();
        assertThat(png.getWidth()).isEqualTo(1000);
        assertThat(r.out()).contains("chart written to " + dir.resolve("out/table.png"));
        assertThat(r.out()).containsPattern("gemm 64x64x64 on onnx +best [0-9.]+ GFLOP/s \\(2 run\\(s\\): min");
        assertThat(md).contains("Measured matrix-multiply peak", "| backend | mode | size | batch | ms/step (median)");
        assertThat(md).containsPattern("\\| pytorch \\| train \\| 32 \\| 4 \\| [0-9.]+ \\|");
        assertThat(md).containsPattern("\\| onnx \\| infer \\| 32 \\| 4 \\| [0-9.]+ \\|");
        assertThat(md).contains("| onnx | train | 32 | 4 | skipped: cannot train");
        assertThat(r.out()).contains(md.lines().filter(l -> l.startsWith("| onnx | infer")).findFirst().orElseThrow());
    }

    @Test
    void nativePytorchReferenceRunsWhenAPythonWithTorchIsFound() throws Exception {
        String python = BenchCommand.torchVersion("python3") != null ? "python3"
                : BenchCommand.torchVersion("/usr/bin/python3") != null ? "/usr/bin/python3" : null;
        assumeTrue(python != null, "no python3 with torch here");
        CliRun r = run("bench", "--sizes", "32:4", "--backends", CaseLauncher.NATIVE, "--iterations", "2",
                "--warmup", "1", "--threads", "1", "--gemm", "64", "--python", python);
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).containsPattern("\\| native-pytorch \\| train \\| 32 \\| 4 \\| [0-9.]+ \\|.*\\| 1.00x \\|")
                .containsPattern("\\| native-pytorch \\| infer \\| 32 \\| 4 \\| [0-9.]+ \\|")
                .containsPattern("Native PyTorch reference: torch [^ ]+, BLAS ");
        TorchProbe probe = TorchProbe.of(python);
        assertThat(probe).isNotNull();
        // the Debian machine this project runs on has libopenblas0-pthread (see .ci/run): the probe must find it there
        if (probe.optimised()) {
            assertThat(r.out()).doesNotContain("WARNING: native PyTorch runs on");
        } else {
            assertThat(r.out()).contains("WARNING: native PyTorch runs on " + probe.blas());
        }
    }
}
