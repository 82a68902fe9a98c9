package example;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.Backends;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.train.CheckpointStore;
import org.vgg4j.core.train.Evaluator;
import org.vgg4j.datasets.FashionMnist;
import org.vgg4j.datasets.ResizeMode;
import org.vgg4j.datasets.Resizer;
import org.vgg4j.models.vgg.Vgg;
import org.vgg4j.models.vgg.VggConfig;
import org.vgg4j.models.vgg.VggVariant;

/** Builds the d2l VGG-11, loads a checkpoint's weights into it and prints the class of a Fashion-MNIST-like image. */
public final class ClassifyImage {
    public static void main(String[] args) throws Exception {
        Network net = Vgg.build(VggConfig.d2l(VggVariant.VGG11).withRatio(8).withImageSize(32));
        Parameters weights = CheckpointStore.load(Path.of(args[0])).parameters().conformTo(net);
        BufferedImage img = ImageIO.read(Path.of(args[1]).toFile());
        byte[] grey = new byte[img.getWidth() * img.getHeight()];
        img.getRaster().getDataElements(0, 0, img.getWidth(), img.getHeight(), grey); // an 8-bit grey PNG
        float[] pixels = new float[32 * 32];
        new Resizer(img.getHeight(), img.getWidth(), 32, 32, ResizeMode.PIL).resize(grey, 0, pixels, 0);
        try (Session session = Backends.discover().select().open(net, weights, Device.cpu())) {
            Tensor logits = session.predict(Tensor.wrap(Shape.of(1, 1, 32, 32), pixels));
            int best = Evaluator.argMax(logits, 0, 10);
            System.out.printf("%s:  %s %.4f%n", args[1], FashionMnist.CLASS_NAMES.get(best),
                    Evaluator.softmax(logits, 0, 10)[best]);
        }
    }
}
