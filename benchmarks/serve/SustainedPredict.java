import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.vgg4j.backend.onnx.OnnxBackend;
import org.vgg4j.core.Device;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.spi.Session;

/**
 * In-process {@code Session.predict} on an ONNX file at one batch size for a number of seconds, back to back, as the
 * server's throughput is measured: total images over total wall time, next to the rate from the median call (what
 * {@code vgg4j bench} reports). Run with the cli's class path: {@code java -cp "cli/target/vgg4j-cli.jar:cli/target/lib/*"
 * benchmarks/serve/SustainedPredict.java MODEL.onnx BATCH SECONDS}.
 */
public class SustainedPredict {
    public static void main(String[] args) {
        Path model = Path.of(args[0]);
        int batch = Integer.parseInt(args[1]);
        double seconds = Double.parseDouble(args[2]);
        try (Session s = new OnnxBackend().openFile(model, Device.cpu())) {
            SplittableRandom r = new SplittableRandom(0);
            int per = Math.toIntExact(s.network().sampleShape().elementCount());
            float[] data = new float[batch * per];
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) r.nextDouble();
            }
            Tensor input = Tensor.wrap(s.network().sampleShape().prepend(batch), data);
            long warmEnd = System.nanoTime() + 3_000_000_000L;
            while (System.nanoTime() < warmEnd) {
                s.predict(input);
            }
            long[] calls = new long[1 << 20];
            int n = 0;
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            long t = start;
            while (t < end && n < calls.length) {
                s.predict(input);
                long now = System.nanoTime();
                calls[n++] = now - t;
                t = now;
            }
            double wall = (t - start) / 1e9;
            long[] sorted = Arrays.copyOf(calls, n);
            Arrays.sort(sorted);
            double median = sorted[n / 2] / 1e9;
            System.out.printf("sustained batch %d: %.0f images/s over %.1f s (%d calls); from the median call %.0f "
                    + "images/s%n", batch, (double) n * batch / wall, wall, n, batch / median);
        }
    }
}
