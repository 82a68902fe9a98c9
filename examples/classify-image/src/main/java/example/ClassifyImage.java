package example;

import java.nio.file.Path;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.Backends;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.train.CheckpointStore;
import org.vgg4j.core.train.Evaluator;
import org.vgg4j.datasets.FashionMnist;
import org.vgg4j.datasets.image.ImageDecoder;
import org.vgg4j.datasets.image.PixelFormat;
import org.vgg4j.models.vgg.Vgg;
import org.vgg4j.models.vgg.VggConfig;
import org.vgg4j.models.vgg.VggVariant;

/** Builds the d2l VGG-11, loads a checkpoint's weights into it and prints the class of a Fashion-MNIST-like image. */
public final class ClassifyImage {
    public static void main(String[] args) {
        Network net = Vgg.build(VggConfig.d2l(VggVariant.VGG11).withRatio(8).withImageSize(32));
        Parameters weights = CheckpointStore.load(Path.of(args[0])).parameters().conformTo(net);
        // Decoded and resized as the training data was (PIL's convert('L') and bilinear resize, then / 255).
        Tensor image = ImageDecoder.create().decode(Path.of(args[1]), PixelFormat.GREY).resized(32, 32).toTensor();
        try (Session session = Backends.discover().select().open(net, weights, Device.cpu())) {
            Tensor logits = session.predict(image);
            int best = Evaluator.argMax(logits, 0, 10);
            System.out.printf("%s:  %s %.4f%n", args[1], FashionMnist.CLASS_NAMES.get(best),
                    Evaluator.softmax(logits, 0, 10)[best]);
        }
    }
}
