import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Initializer;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.core.spi.Backends;
import org.vgg4j.core.spi.GradientResult;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.spi.StepResult;
import org.vgg4j.core.spi.Trainer;
import org.vgg4j.core.testing.TestData;
import org.vgg4j.models.vgg.Vgg;
import org.vgg4j.models.vgg.VggConfig;
import org.vgg4j.models.vgg.VggVariant;

/**
 * Same network, parameters and batches on the pytorch and tensorflow backends: logits, loss, every gradient, and the
 * loss on a second batch after one Adam step. A quick check during development; the cross-backend suite is in
 * integration-tests. Run through run-with-pytorch.sh.
 */
public final class AgreeWithPytorch {
    public static void main(String[] a) {
        Backends b = Backends.discover();
        Backend pt = b.select("pytorch"), tf = b.select("tensorflow");
        for (Network net : new Network[] {TestData.tinyVgg(0),
                Vgg.build(VggConfig.d2l(VggVariant.VGG11).withRatio(8).withImageSize(64).withDropout(0))}) {
            Parameters p = Parameters.initialize(net, Initializer.PYTORCH_DEFAULT, 0);
            Tensor x = TestData.images(net.sampleShape().prepend(16), 1), x2 = TestData.images(net.sampleShape().prepend(16), 3);
            int[] y = TestData.labels(16, 10, 2);
            try (Session ps = pt.open(net, p, Device.cpu()); Session ts = tf.open(net, p, Device.cpu())) {
                System.out.printf("%s logits diff %.3e%n", net.name(), ps.predict(x).maxAbsDiff(ts.predict(x)));
                Trainer pT = ps.trainer(TrainingSpec.adam(1e-3, 0)), tT = ts.trainer(TrainingSpec.adam(1e-3, 0));
                GradientResult pg = pT.gradients(x, y), tg = tT.gradients(x, y);
                double worst = 0;
                for (String n : p.names()) {
                    worst = Math.max(worst, pg.gradients().get(n).maxAbsDiff(tg.gradients().get(n)) / pg.gradients().get(n).maxAbs());
                }
                StepResult pr = pT.step(x, y), tr = tT.step(x, y);
                GradientResult pg2 = pT.gradients(x2, y), tg2 = tT.gradients(x2, y);
                System.out.printf("%s loss rel %.3e, grad worst rel %.3e, step loss rel %.3e, second-batch loss after Adam rel %.3e%n",
                        net.name(), Math.abs(pg.loss() - tg.loss()) / pg.loss(), worst, Math.abs(pr.loss() - tr.loss()) / pr.loss(),
                        Math.abs(pg2.loss() - tg2.loss()) / pg2.loss());
                System.out.printf("%s state diff exp_avg_sq %.3e%n", net.name(), pT.optimizerState().slots().get("exp_avg_sq").maxAbsDiff(tT.optimizerState().slots().get("exp_avg_sq")));
            }
        }
    }
}
