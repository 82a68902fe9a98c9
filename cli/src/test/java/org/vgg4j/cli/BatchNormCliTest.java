package org.vgg4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.UnsupportedLayerException;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.core.spi.Capabilities;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.testing.Python;
import org.vgg4j.models.vgg.Vgg;
import org.vgg4j.models.vgg.VggConfig;

/** {@code --model vgg*_bn} and {@code --layout}: parsing, refusal on a backend without the layers. */
class BatchNormCliTest {

    @Test
    void bnModelsAndTheTorchvisionLayoutAreBuiltFromTheOptions() {
        CliRun bn = CliRun.of("summary", "--model", "vgg11_bn", "--format", "layers");
        assertThat(bn.exit()).as(bn.err()).isZero();
        assertThat(bn.out()).contains("vgg_block_1.1.running_mean", "BatchNorm2d");
        CliRun tv = CliRun.of("summary", "--model", "VGG16_BN", "--layout", "TorchVision", "--format", "layers",
                "--classes", "7");
        assertThat(tv.exit()).as(tv.err()).isZero();
        assertThat(tv.out()).contains("vgg16_bn-r8", "features.1.running_var", "avgpool", "classifier.6.bias",
                "[7]");
    }

    @Test
    void aLayerTheBackendCannotRunIsBadUsageNamingTheBackendAndTheLayer() {
        Network network = Vgg.build(VggConfig.d2l(org.vgg4j.models.vgg.VggVariant.VGG11).withBatchNorm(true)
                .withRatio(8).withImageSize(32));
        Backend noBatchNorm = new Backend() {
            @Override
            public String name() {
                return "tensorflow";
            }

            @Override
            public Capabilities capabilities() {
                return new Capabilities(true, false, "test", "");
            }

            @Override
            public List<Device> devices() {
                return List.of(Device.cpu());
            }

            @Override
            public Session open(Network n, org.vgg4j.core.param.Parameters p, Device d) {
                throw new UnsupportedLayerException("BatchNorm2d", "tensorflow");
            }
        };
        Throwable e = catchThrowable(() -> TrainCommand.open(noBatchNorm, network, null, Device.cpu()));
        assertThat(e).isInstanceOf(UsageException.class).hasMessage("--backend tensorflow cannot train model "
                + "vgg11_bn-r8 (--model, --layout): BatchNorm2d is not supported by the tensorflow backend yet; use "
                + "--backend pytorch");
        assertThat(ExitCodes.of(e)).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void summaryInPytorchFormatPrintsWhatTorchvisionPrintsForItsVgg() throws Exception {
        List<String> cases = List.of("vgg11_bn:10", "vgg13:10", "vgg16:1000", "vgg16_bn:1000",
                "vgg19_bn:7");
        Python.Run torchvision = Python.at(System.getProperty("vgg4j.python", "/usr/bin/python3")).code(
                "import sys, torchvision\n"
                + "for c in sys.argv[1:]:\n"
                + "    name, k = c.split(':')\n"
                + "    print('=== ' + c)\n"
                + "    print(getattr(torchvision.models, name)(num_classes=int(k)))\n",
                cases.toArray(String[]::new));
        assumeTrue(torchvision.exitCode() == 0 || !torchvision.output().contains("No module named"),
                "/usr/bin/python3 with torchvision is not installed");
        assertThat(torchvision.exitCode()).as(torchvision.output()).isZero();
        String[] printed = torchvision.output().split("=== ");
        for (int i = 0; i < cases.size(); i++) {
            String[] nk = cases.get(i).split(":");
            CliRun ours = CliRun.of("summary", "--format", "pytorch", "--layout", "torchvision", "--model", nk[0],
                    "--ratio", "1", "--in-channels", "3", "--classes", nk[1]);
            assertThat(ours.exit()).as(ours.err()).isZero();
            String theirs = printed[i + 1];
            assertThat(theirs).startsWith(cases.get(i) + "\n");
            assertThat(ours.out()).as(cases.get(i)).isEqualTo(theirs.substring(cases.get(i).length() + 1));
        }
    }

    @Test
    void theTorchvisionLayoutTakesAnImageSizeThatIsNoMultipleOf32AsTorchvisionDoes() throws Exception {
        Python.Run torch = Python.at(System.getProperty("vgg4j.python", "/usr/bin/python3")).code(
                "import torch, torchvision\n"
                + "m = torchvision.models.vgg11_bn(num_classes=10)\n"
                + "x = torch.zeros(1, 3, 100, 100)\n"
                + "f = m.features(x)\n"
                + "print(list(f.shape), list(m.avgpool(f).shape), list(m.eval()(x).shape))\n");
        assumeTrue(torch.exitCode() == 0 || !torch.output().contains("No module named"),
                "/usr/bin/python3 with torchvision is not installed");
        assertThat(torch.exitCode()).as(torch.output()).isZero();
        assertThat(torch.output().strip()).isEqualTo("[1, 512, 3, 3] [1, 512, 7, 7] [1, 10]");
        CliRun ours = CliRun.of("summary", "--layout", "torchvision", "--model", "vgg11_bn", "--ratio", "1",
                "--in-channels", "3", "--image-size", "100");
        assertThat(ours.exit()).as(ours.err()).isZero();
        assertThat(ours.out()).containsSubsequence("features", "[1, 512, 3, 3]", "avgpool", "[1, 512, 7, 7]",
                "classifier", "[1, 10]");
    }
}
