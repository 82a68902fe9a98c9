package org.vgg4j.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.vgg4j.core.Network;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.optim.OptimizerState;
import org.vgg4j.core.param.Initializer;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.train.Checkpoint;
import org.vgg4j.core.train.CheckpointStore;
import org.vgg4j.core.train.TrainingPosition;
import org.vgg4j.datasets.DataLocator;
import org.vgg4j.datasets.FashionMnist;
import org.vgg4j.datasets.ImageDataset;
import org.vgg4j.datasets.Split;
import org.vgg4j.models.vgg.Vgg;
import org.vgg4j.models.vgg.VggConfig;
import org.vgg4j.models.vgg.VggVariant;

/**
 * What the {@code serve} tests need: a seeded checkpoint (the narrow VGG-11 at 32x32, PyTorch's default initialisation
 * with the last layer's weights scaled up, so probabilities differ clearly between classes and images), Fashion-MNIST test images written as PNG files, and a real
 * {@code vgg4j serve} process.
 */
final class ServeFixtures {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");

    private ServeFixtures() {
    }

    /** Writes a seeded checkpoint into {@code dir} and returns its manifest. */
    static Path checkpoint(Path dir, long seed) {
        VggConfig config = VggConfig.d2l(VggVariant.VGG11).withRatio(8).withImageSize(32);
        Network net = Vgg.build(config);
        Parameters init = Parameters.initialize(net, Initializer.PYTORCH_DEFAULT, seed);
        // The classifier's weights scaled up, so the softmax is far from uniform and the top classes stand apart.
        Map<String, Tensor> tensors = new LinkedHashMap<>(init.asMap());
        Tensor head = tensors.get("fc.7.weight");
        float[] w = head.toArray();
        for (int i = 0; i < w.length; i++) {
            w[i] *= 40;
        }
        tensors.put("fc.7.weight", Tensor.wrap(head.shape(), w));
        Parameters params = Parameters.of(tensors);
        return new CheckpointStore(dir).save("epoch-001", new Checkpoint(runConfig(config), "test",
                TrainingPosition.startOf(1), List.of(), params, OptimizerState.initial()));
    }

    private static org.vgg4j.core.config.RunConfig runConfig(VggConfig config) {
        org.vgg4j.core.config.RunConfig ref = org.vgg4j.core.config.RunConfig.reference();
        return new org.vgg4j.core.config.RunConfig(config.toModelConfig(), ref.data(), ref.optimizer(),
                ref.training());
    }

    static void assumeFashionMnist() {
        assumeTrue(Files.isRegularFile(FashionMnist.DEBIAN_DIR.resolve("t10k-images-idx3-ubyte.gz")),
                "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist); CI installs it");
    }

    /** Test image {@code index} of Fashion-MNIST as an 8-bit grey PNG file (its raw bytes, no colour conversion). */
    static Path testImagePng(Path dir, int index) throws IOException {
        ImageDataset test = ImageDataset.load(DataLocator.builder().dataDir(FashionMnist.DEBIAN_DIR).build()
                .locate(FashionMnist.SPEC), Split.TEST);
        BufferedImage img = new BufferedImage(test.cols(), test.rows(), BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setDataElements(0, 0, test.cols(), test.rows(), test.rawImage(index));
        Path file = dir.resolve("fashion-test-" + index + ".png");
        ImageIO.write(img, "png", file.toFile());
        return file;
    }

    /** A running {@code vgg4j serve} in its own JVM; closing it kills it if it still runs. */
    static final class ServeProcess implements AutoCloseable {
        final Process process;
        private final URI uri;
        final StringBuilder output;

        private ServeProcess(Process process, URI uri, StringBuilder output) {
            this.process = process;
            this.uri = uri;
            this.output = output;
        }

        /** Starts {@code vgg4j serve ARGS --port 0} and waits until it listens. */
        static ServeProcess start(String... args) throws IOException, InterruptedException {
            return start(List.of(), args);
        }

        /** As {@link #start(String...)}, with {@code jvm} options (e.g. a log level) before the main class. */
        static ServeProcess start(List<String> jvm, String... args) throws IOException, InterruptedException {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true"));
            cmd.addAll(jvm);
            cmd.addAll(List.of("org.vgg4j.cli.Main", "serve", "--port", "0"));
            cmd.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().putAll(Map.of("OMP_NUM_THREADS", "1"));
            Process p = pb.start();
            StringBuilder seen = new StringBuilder();
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            URI uri = null;
            String line;
            while (uri == null && (line = r.readLine()) != null) {
                seen.append(line).append('\n');
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    uri = URI.create(m.group(1));
                }
            }
            if (uri == null) {
                p.waitFor(30, TimeUnit.SECONDS);
                throw new IllegalStateException("vgg4j serve did not start:\n" + seen);
            }
            Thread drain = new Thread(() -> {
                try {
                    String l;
                    while ((l = r.readLine()) != null) {
                        synchronized (seen) {
                            seen.append(l).append('\n');
                        }
                    }
                } catch (IOException e) {
                    // the process ended
                }
            }, "serve-output");
            drain.setDaemon(true);
            drain.start();
            return new ServeProcess(p, uri, seen);
        }

        URI uri() {
            return uri;
        }

        String output() {
            synchronized (output) {
                return output.toString();
            }
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
