package org.vgg4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code predict --state-dict} against torchvision itself: a VGG-11-BN built from torchvision's own {@code VGG} class
 * and {@code make_layers} (channels and hidden units divided by 8, vgg4j's {@code --ratio 8}), with random weights and
 * batch-norm statistics, saved as a bare {@code state_dict} in safetensors; an RGB PNG preprocessed by PIL's
 * {@code convert('RGB')}, bilinear resize, {@code ToTensor} and ImageNet {@code Normalize}: the top-10 probabilities
 * {@code vgg4j predict --state-dict ... --mean imagenet} prints equal torch's eval-mode softmax within 1e-4.
 */
class StateDictTorchvisionTest {
    private static final String TORCH = String.join("\n",
            "import json, struct, sys, torch, PIL.Image, torchvision.transforms as T",
            "from torchvision.models.vgg import VGG, make_layers, cfgs",
            "torch.manual_seed(7)",
            "cfg = [v if v == 'M' else v // 8 for v in cfgs['A']]",
            "m = VGG(make_layers(cfg, batch_norm=True), num_classes=10)",
            "m.classifier = torch.nn.Sequential(torch.nn.Linear(64 * 7 * 7, 512), torch.nn.ReLU(True),",
            "    torch.nn.Dropout(0.5), torch.nn.Linear(512, 512), torch.nn.ReLU(True), torch.nn.Dropout(0.5),",
            "    torch.nn.Linear(512, 10))",
            "with torch.no_grad():",
            "    for name, p in m.state_dict().items():",
            "        if name.endswith('num_batches_tracked'): p.fill_(3)",
            "        elif name.endswith('running_var'): p.uniform_(0.5, 2.0)",
            "        elif name.endswith('running_mean') or name.endswith('bias'): p.uniform_(-0.2, 0.2)",
            "        elif p.dim() == 1: p.uniform_(0.5, 1.5)",
            "        else: p.normal_(0, (2.0 / p[0].numel()) ** 0.5)",
            "m.eval()",
            "header, chunks, offset = {}, [], 0",
            "for name, t in m.state_dict().items():",
            "    raw = t.contiguous().numpy().tobytes()",
            "    header[name] = {'dtype': 'I64' if t.dtype == torch.int64 else 'F32', 'shape': list(t.shape),",
            "                    'data_offsets': [offset, offset + len(raw)]}",
            "    chunks.append(raw); offset += len(raw)",
            "h = json.dumps(header).encode()",
            "with open(sys.argv[1], 'wb') as f:",
            "    f.write(struct.pack('<Q', len(h)) + h + b''.join(chunks))",
            "img = PIL.Image.open(sys.argv[2]).convert('RGB').resize((32, 32), PIL.Image.BILINEAR)",
            "x = T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])(T.ToTensor()(img))",
            "with torch.no_grad():",
            "    p = torch.softmax(m(x.unsqueeze(0)), 1)[0]",
            "print(' '.join(repr(v) for v in p.tolist()))",
            "");

    @TempDir
    static Path dir;
    static Path stateDict;
    static Path png;
    static double[] torchProbabilities;

    @BeforeAll
    static void torchvisionModelAndImage() throws IOException {
        png = TorchPredictFixtures.colourPng(dir.resolve("photo.png"), 45, 37, 5, 7);
        stateDict = dir.resolve("vgg11_bn-r8.safetensors");
        torchProbabilities = TorchPredictFixtures.torchProbabilities(TORCH, stateDict.toString(), png.toString());
    }

    private static String[] modelOptions(String classes) {
        return new String[] {"--model", "vgg11_bn", "--layout", "torchvision", "--ratio", "8", "--in-channels", "3",
            "--image-size", "32", "--classes", classes};
    }

    @Test
    void predictPrintsTorchvisionsProbabilities() {
        String[] base = {"predict", "--state-dict", stateDict.toString(), "--mean", "imagenet", "--top-k", "10"};
        String[] args = new String[base.length + 12 + 1];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(modelOptions("10"), 0, args, base.length, 12);
        args[args.length - 1] = png.toString();
        TorchPredictFixtures.assertAgrees(CliRun.of(args), png, torchProbabilities, 1e-4);
    }

    @Test
    void aMismatchingTensorIsNamedWithBothShapes() {
        String[] base = {"predict", "--state-dict", stateDict.toString()};
        String[] args = new String[base.length + 12 + 1];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(modelOptions("7"), 0, args, base.length, 12);
        args[args.length - 1] = png.toString();
        CliRun r = CliRun.of(args);
        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.FAILURE);
        assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
        assertThat(r.err()).contains(stateDict.toString(), "tensor 'classifier.6.weight' has shape [10, 512], "
                + "expected [7, 512]").doesNotContain("Exception");
        CliRun withCheckpoint = CliRun.of("predict", "--checkpoint", stateDict.toString(), "--classes", "7",
                png.toString());
        assertThat(withCheckpoint.exit()).as(withCheckpoint.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(withCheckpoint.err()).contains("--classes describes the network of a bare --state-dict");
    }
}
