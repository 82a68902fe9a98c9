import java.util.Locale;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Initializer;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.core.spi.Backends;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.spi.Trainer;
import org.vgg4j.core.testing.TestData;
import org.vgg4j.models.vgg.Vgg;
import org.vgg4j.models.vgg.VggConfig;
import org.vgg4j.models.vgg.VggVariant;

/**
 * Training-step time of the tensorflow backend against the pytorch backend in one JVM, on the same network,
 * parameters and batch, rounds interleaved so that both see the same machine load. Run through run-with-pytorch.sh.
 */
public final class CompareWithPytorch {
    public static void main(String[] args) {
        String sizes = args.length > 0 ? args[0] : "32:128:10,224:64:3";
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Backends backends = Backends.discover();
        Backend pt = backends.select("pytorch");
        Backend tf = backends.select("tensorflow");
        for (String spec : sizes.split(",")) {
            String[] f = spec.split(":");
            int size = Integer.parseInt(f[0]), batch = Integer.parseInt(f[1]), steps = Integer.parseInt(f[2]);
            Network net = Vgg.build(VggConfig.d2l(VggVariant.VGG11).withRatio(8).withImageSize(size).withDropout(0.5));
            Parameters params = Parameters.initialize(net, Initializer.TORCHVISION_VGG, 0);
            Tensor x = TestData.images(net.sampleShape().prepend(batch), 1);
            int[] y = TestData.labels(batch, 10, 2);
            try (Session ps = pt.open(net, params, Device.cpu()); Session ts = tf.open(net, params, Device.cpu())) {
                Trainer pTrainer = ps.trainer(TrainingSpec.adam(1e-3, 0));
                Trainer tTrainer = ts.trainer(TrainingSpec.adam(1e-3, 0));
                pTrainer.step(x, y);
                tTrainer.step(x, y);
                double pBest = Double.MAX_VALUE, tBest = Double.MAX_VALUE, pSum = 0, tSum = 0;
                for (int r = 0; r < rounds; r++) {
                    double p = time(steps, () -> pTrainer.step(x, y));
                    double t = time(steps, () -> tTrainer.step(x, y));
                    pBest = Math.min(pBest, p);
                    tBest = Math.min(tBest, t);
                    pSum += p;
                    tSum += t;
                }
                System.out.printf(Locale.ROOT, "narrow VGG-11 %dx%d batch %d, Adam step: pytorch %.0f ms (mean %.0f), "
                        + "tensorflow %.0f ms (mean %.0f); tensorflow/pytorch %.2f (best) %.2f (mean)%n", size, size,
                        batch, pBest, pSum / rounds, tBest, tSum / rounds, tBest / pBest, tSum / pSum);
            }
        }
    }

    private static double time(int n, Runnable r) {
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            r.run();
        }
        return (System.nanoTime() - start) / 1e6 / n;
    }
}
