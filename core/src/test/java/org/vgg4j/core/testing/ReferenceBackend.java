package org.vgg4j.core.testing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.vgg4j.core.DType;
import org.vgg4j.core.Device;
import org.vgg4j.core.DeviceUnavailableException;
import org.vgg4j.core.Network;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.Vgg4jException;
import org.vgg4j.core.layer.ParameterSpec;
import org.vgg4j.core.optim.OptimizerState;
import org.vgg4j.core.optim.SoftmaxCrossEntropy;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.Accuracy;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.core.spi.Capabilities;
import org.vgg4j.core.spi.GradientResult;
import org.vgg4j.core.spi.InputChecks;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.spi.StepResult;
import org.vgg4j.core.spi.StepSeeds;
import org.vgg4j.core.spi.Trainer;

/**
 * A slow, plain-Java backend that keeps the whole SPI contract in float64: predicts with {@link ReferenceForward},
 * trains with its exact backward pass and {@link ReferenceOptimizer}; weights and optimizer state are float32 between
 * steps, like every engine's. Dropout masks are drawn from {@link StepSeeds#forStep}(seed, step), layer by layer.
 */
public final class ReferenceBackend implements Backend {

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public Capabilities capabilities() {
        return new Capabilities(true, false, "plain Java float64", "CPU only; naive loops, for small test networks");
    }

    @Override
    public List<Device> devices() {
        return List.of(Device.cpu());
    }

    @Override
    public Session open(Network network, Parameters parameters, Device device) {
        Parameters conformed = parameters.conformTo(network);
        if (device.isGpu()) {
            throw new DeviceUnavailableException("the reference backend runs on the CPU only; " + device
                    + " is not available (use cpu or auto)");
        }
        return new RefSession(network, conformed);
    }

    private static final class RefSession implements Session {
        private final Network network;
        private Parameters params;
        private boolean closed;

        RefSession(Network network, Parameters params) {
            this.network = network;
            this.params = params;
        }

        @Override
        public Network network() {
            return network;
        }

        @Override
        public Device device() {
            return Device.cpu();
        }

        @Override
        public Tensor predict(Tensor images) {
            checkOpen();
            InputChecks.checkImages(network, images);
            return ReferenceForward.logitsTensor(network, params, images);
        }

        @Override
        public Parameters parameters() {
            checkOpen();
            return params;
        }

        @Override
        public void loadParameters(Parameters parameters) {
            checkOpen();
            params = parameters.conformTo(network);
        }

        @Override
        public Trainer trainer(TrainingSpec spec) {
            checkOpen();
            if (!(spec.loss() instanceof SoftmaxCrossEntropy)) {
                throw new UnsupportedOperationException("the reference backend trains with softmax cross-entropy only");
            }
            return new RefTrainer(this, spec);
        }

        void checkOpen() {
            if (closed) {
                throw new Vgg4jException("this reference session is closed");
            }
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static final class RefTrainer implements Trainer {
        private final RefSession session;
        private final Network network;
        private final TrainingSpec spec;
        private ReferenceOptimizer optimizer;
        private long steps;
        private boolean closed;

        RefTrainer(RefSession session, TrainingSpec spec) {
            this.session = session;
            this.network = session.network;
            this.spec = spec;
            this.optimizer = new ReferenceOptimizer(spec.optimizer(), true);
        }

        private ReferenceForward.TrainingPass pass(Tensor images, int[] labels) {
            checkOpen();
            InputChecks.checkBatch(network, images, labels);
            return ReferenceForward.trainingPass(network, session.params, images, labels,
                    new SplittableRandom(StepSeeds.forStep(spec.seed(), steps)), (SoftmaxCrossEntropy) spec.loss());
        }

        @Override
        public StepResult step(Tensor images, int[] labels) {
            ReferenceForward.TrainingPass pass = pass(images, labels);
            update(name -> floats(pass.gradients().get(name)));
            storeBuffers(pass.buffers());
            float[] logits = new float[pass.logits().length];
            for (int i = 0; i < logits.length; i++) {
                logits[i] = (float) pass.logits()[i];
            }
            return new StepResult(pass.loss(), Accuracy.countCorrect(logits, labels), labels.length);
        }

        /** The same update as {@link #step}, from gradients computed elsewhere (float32, read back in double). */
        @Override
        public void applyGradients(Parameters gradients) {
            checkOpen();
            Parameters g = gradients.conformToTrainable(network);
            update(name -> {
                float[] f = g.get(name).toArray();
                double[] d = new double[f.length];
                for (int i = 0; i < f.length; i++) {
                    d[i] = f[i];
                }
                return d;
            });
        }

        /**
         * One optimizer step on every trainable parameter with the gradient {@code gradient} gives for its name: the
         * gradients clipped together to the spec's norm, then the rule at each parameter's scheduled learning rate (its group's).
         */
        private void update(java.util.function.Function<String, double[]> gradient) {
            Map<String, double[]> grads = new LinkedHashMap<>();
            for (ParameterSpec p : network.trainableSpecs()) {
                grads.put(p.name(), gradient.apply(p.name()));
            }
            if (spec.clips()) {
                ReferenceOptimizer.clip(spec, grads.values());
            }
            Map<String, Tensor> updated = new LinkedHashMap<>(session.params.asMap());
            for (ParameterSpec p : network.trainableSpecs()) {
                float[] current = session.params.get(p.name()).toArray();
                double[] w = new double[current.length];
                for (int i = 0; i < w.length; i++) {
                    w[i] = current[i];
                }
                optimizer.update(p.name(), w, grads.get(p.name()), steps + 1,
                        spec.learningRate(p.name(), steps + 1));
                float[] next = new float[w.length];
                for (int i = 0; i < w.length; i++) {
                    next[i] = (float) w[i];
                }
                updated.put(p.name(), Tensor.wrap(p.shape(), next));
            }
            session.params = Parameters.of(updated);
            steps++;
        }

        /** Replaces the buffers a training pass updated (batch norm's running statistics) with their new values. */
        private void storeBuffers(Map<String, double[]> buffers) {
            if (buffers.isEmpty()) {
                return;
            }
            Map<String, Tensor> updated = new LinkedHashMap<>(session.params.asMap());
            for (Map.Entry<String, double[]> b : buffers.entrySet()) {
                Tensor old = session.params.get(b.getKey());
                double[] v = b.getValue();
                if (old.dtype() == DType.I64) {
                    long[] l = new long[v.length];
                    for (int i = 0; i < v.length; i++) {
                        l[i] = Math.round(v[i]);
                    }
                    updated.put(b.getKey(), Tensor.wrapLongs(old.shape(), l));
                } else {
                    updated.put(b.getKey(), Tensor.wrap(old.shape(), floats32(v)));
                }
            }
            session.params = Parameters.of(updated);
        }

        private static float[] floats32(double[] v) {
            float[] f = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                f[i] = (float) v[i];
            }
            return f;
        }

        /** The gradient as the float32 tensor a backend would report, read back in double. */
        private static double[] floats(double[] g) {
            double[] out = new double[g.length];
            for (int i = 0; i < g.length; i++) {
                out[i] = (float) g[i];
            }
            return out;
        }

        @Override
        public GradientResult gradients(Tensor images, int[] labels) {
            ReferenceForward.TrainingPass pass = pass(images, labels);
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (ParameterSpec p : network.trainableSpecs()) {
                double[] g = pass.gradients().get(p.name());
                float[] f = new float[g.length];
                for (int i = 0; i < f.length; i++) {
                    f[i] = (float) g[i];
                }
                out.put(p.name(), Tensor.wrap(p.shape(), f));
            }
            return new GradientResult(pass.loss(), Parameters.of(out));
        }

        @Override
        public OptimizerState optimizerState() {
            checkOpen();
            return optimizer.state(steps, network);
        }

        @Override
        public void restoreOptimizerState(OptimizerState state) {
            checkOpen();
            OptimizerState checked = state.conformTo(spec.optimizer(), network);
            ReferenceOptimizer fresh = new ReferenceOptimizer(spec.optimizer(), true);
            fresh.restore(checked);
            optimizer = fresh;
            steps = checked.step();
        }

        private void checkOpen() {
            session.checkOpen();
            if (closed) {
                throw new Vgg4jException("this reference trainer is closed");
            }
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
