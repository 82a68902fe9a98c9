package org.vgg4j.spark;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.vgg4j.onnx.ExportMetadata;
import org.vgg4j.onnx.OnnxExporter;
import org.vgg4j.core.Network;
import org.vgg4j.core.param.Initializer;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.datasets.DataLocator;
import org.vgg4j.datasets.FashionMnist;
import org.vgg4j.datasets.ImageDataset;
import org.vgg4j.datasets.Split;
import org.vgg4j.models.vgg.VggConfig;
import org.vgg4j.models.vgg.VggVariant;

/**
 * Not in the suite: writes the inference measurement's inputs into {@code -Dvgg4j.bench.dir} (the d2l narrow VGG-11
 * at {@code -Dvgg4j.bench.size} (224) exported to {@code model.onnx}, and the first {@code -Dvgg4j.bench.images} Fashion-MNIST test images (repeated past 10,000) as
 * 8-bit grey PNGs under {@code images/}); {@code benchmarks/spark/inference.sh} runs it and times both commands.
 */
class InferenceFixtures {

    @Test
    void write() throws Exception {
        String dir = System.getProperty("vgg4j.bench.dir");
        assumeTrue(dir != null, "a fixture writer: run with -Dvgg4j.bench.dir=DIR");
        int n = Integer.getInteger("vgg4j.bench.images", 5000);
        Path out = Files.createDirectories(Path.of(dir));
        int size = Integer.getInteger("vgg4j.bench.size", 224);
        Network net = org.vgg4j.models.vgg.Vgg.build(VggConfig.d2l(VggVariant.VGG11).withRatio(4).withImageSize(size));
        OnnxExporter.write(out.resolve("model.onnx"), net, Parameters.initialize(net, Initializer.TORCHVISION_VGG, 1),
                ExportMetadata.forNetwork(net).withClassNames(FashionMnist.CLASS_NAMES));
        ImageDataset test = ImageDataset.load(DataLocator.builder().build().locate(FashionMnist.SPEC), Split.TEST);
        Path images = Files.createDirectories(out.resolve("images"));
        for (int i = 0; i < n; i++) {
            BufferedImage img = new BufferedImage(test.cols(), test.rows(), BufferedImage.TYPE_BYTE_GRAY);
            byte[] raw = test.rawImage(i % test.size());  // past the 10,000 test images: repeats, by another name
            for (int p = 0; p < raw.length; p++) {
                img.getRaster().setSample(p % test.cols(), p / test.cols(), 0, raw[p] & 0xff);
            }
            ImageIO.write(img, "png", images.resolve(String.format("test-%05d.png", i)).toFile());
        }
    }
}
