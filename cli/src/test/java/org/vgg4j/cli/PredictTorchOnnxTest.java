package org.vgg4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code predict --onnx} on a file that vgg4j did not write: torch.onnx (Debian's torch 1.13) exports a VGG-11-BN built
 * from torchvision's own {@code VGG} class and {@code make_layers} (widths divided by 8) in eval mode at 224x224, with
 * batch-norm statistics drawn away from 0/1; an RGB PNG preprocessed by PIL ({@code convert('RGB')}, bilinear resize,
 * {@code ToTensor}, ImageNet {@code Normalize}) gives torch's softmax, and {@code vgg4j predict --onnx ... --mean
 * imagenet} must print the same ten probabilities within 1e-4.
 */
class PredictTorchOnnxTest {
    private static final String TORCH = String.join("\n",
            "import sys, torch, PIL.Image, torchvision.transforms as T",
            "from torchvision.models.vgg import VGG, make_layers, cfgs",
            "torch.manual_seed(11)",
            "cfg = [v if v == 'M' else v // 8 for v in cfgs['A']]",
            "m = VGG(make_layers(cfg, batch_norm=True), num_classes=10)",
            "m.classifier = torch.nn.Sequential(torch.nn.Linear(64 * 7 * 7, 512), torch.nn.ReLU(True),",
            "    torch.nn.Dropout(0.5), torch.nn.Linear(512, 512), torch.nn.ReLU(True), torch.nn.Dropout(0.5),",
            "    torch.nn.Linear(512, 10))",
            "with torch.no_grad():",
            "    for mod in m.modules():",
            "        if isinstance(mod, torch.nn.BatchNorm2d):",
            "            mod.weight.uniform_(0.5, 1.5); mod.bias.uniform_(-0.3, 0.3)",
            "            mod.running_mean.uniform_(-0.5, 0.5); mod.running_var.uniform_(0.4, 2.0)",
            "        elif isinstance(mod, (torch.nn.Linear, torch.nn.Conv2d)):",
            "            mod.weight.normal_(0, (2.0 / mod.weight[0].numel()) ** 0.5); mod.bias.uniform_(-0.1, 0.1)",
            "m.eval()",
            "img = PIL.Image.open(sys.argv[2]).convert('RGB').resize((224, 224), PIL.Image.BILINEAR)",
            "x = T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])(T.ToTensor()(img)).unsqueeze(0)",
            "torch.onnx.export(m, x, sys.argv[1], input_names=['input'], output_names=['logits'],",
            "                  dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}})",
            "with torch.no_grad():",
            "    p = torch.softmax(m(x), 1)[0]",
            "print(' '.join(repr(v) for v in p.tolist()))",
            "");

    @TempDir
    static Path dir;
    static Path onnx;
    static Path png;
    static double[] torchProbabilities;

    @BeforeAll
    static void torchOnnxFileAndImage() throws IOException {
        png = TorchPredictFixtures.colourPng(dir.resolve("photo.png"), 61, 53, 4, 5);
        onnx = dir.resolve("torchvision-vgg11_bn-r8.onnx");
        torchProbabilities = TorchPredictFixtures.torchProbabilities(TORCH, onnx.toString(), png.toString());
        assertThat(Files.size(onnx)).isPositive();
    }

    @Test
    void predictOnnxPrintsTorchsProbabilities() {
        CliRun r = CliRun.of("predict", "--onnx", onnx.toString(), "--mean", "imagenet", "--top-k", "10",
                png.toString());
        TorchPredictFixtures.assertAgrees(r, png, torchProbabilities, 1e-4);
    }

    @Test
    void withoutTheNormalisationTheProbabilitiesDiffer() {
        CliRun r = CliRun.of("predict", "--onnx", onnx.toString(), "--top-k", "10", png.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        double worst = 0;
        for (Map.Entry<Integer, Double> e : TorchPredictFixtures.printedTopK(r, png).entrySet()) {
            worst = Math.max(worst, Math.abs(e.getValue() - torchProbabilities[e.getKey()]));
        }
        assertThat(worst).as("--mean imagenet must matter, or the first test could not catch a missing one")
                .isGreaterThan(1e-3);
    }
}
