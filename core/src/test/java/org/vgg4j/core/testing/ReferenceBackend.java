package org.vgg4j.core.testing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.optim.OptimizerState;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.core.spi.Capabilities;
import org.vgg4j.core.spi.GradientResult;
import org.vgg4j.core.spi.InputChecks;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.spi.StepResult;
import org.vgg4j.core.spi.Trainer;

/**
 * A slow, plain-Java backend for testing the training loop: predicts with {@link ReferenceForward} and "trains" by a
 * deterministic rule that only moves the last layer's bias towards the labels (plain SGD on that bias's gradient).
 */
public final class ReferenceBackend implements Backend {

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public Capabilities capabilities() {
        return new Capabilities(true, false, "plain Java", "trains the last bias only");
    }

    @Override
    public List<Device> devices() {
        return List.of(Device.cpu());
    }

    @Override
    public Session open(Network network, Parameters parameters, Device device) {
        return new RefSession(network, parameters.conformTo(network));
    }

    private static final class RefSession implements Session {
        private final Network network;
        private Parameters params;

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
            InputChecks.checkImages(network, images);
            return ReferenceForward.logitsTensor(network, params, images);
        }

        @Override
        public Parameters parameters() {
            return params;
        }

        @Override
        public void loadParameters(Parameters parameters) {
            params = parameters.conformTo(network);
        }

        @Override
        public Trainer trainer(TrainingSpec spec) {
            String biasName = network.parameterSpecs().get(network.parameterSpecs().size() - 1).name();
            double lr = spec.optimizer().learningRate();
            return new Trainer() {
                private long steps;

                @Override
                public StepResult step(Tensor images, int[] labels) {
                    GradientResult g = gradients(images, labels);
                    Tensor bias = params.get(biasName);
                    float[] b = bias.toArray();
                    Tensor grad = g.gradients().get(biasName);
                    for (int i = 0; i < b.length; i++) {
                        b[i] -= (float) (lr * grad.get(i));
                    }
                    Map<String, Tensor> m = new LinkedHashMap<>(params.asMap());
                    m.put(biasName, Tensor.wrap(bias.shape(), b));
                    int correct = org.vgg4j.core.spi.Accuracy.countCorrect(
                            ReferenceForward.logitsTensor(network, params, images).toArray(), labels);
                    params = Parameters.of(m);
                    steps++;
                    return new StepResult(g.loss(), correct, labels.length);
                }

                @Override
                public GradientResult gradients(Tensor images, int[] labels) {
                    InputChecks.checkBatch(network, images, labels);
                    double[] logits = ReferenceForward.logits(network, params, images);
                    int k = network.numClasses();
                    float[] grad = new float[k];
                    Tensor lt = ReferenceForward.logitsTensor(network, params, images);
                    for (int i = 0; i < labels.length; i++) {
                        double[] p = org.vgg4j.core.train.Evaluator.softmax(lt, i, k);
                        for (int c = 0; c < k; c++) {
                            grad[c] += (float) ((p[c] - (c == labels[i] ? 1 : 0)) / labels.length);
                        }
                    }
                    Map<String, Tensor> g = new LinkedHashMap<>();
                    params.asMap().forEach((name, t) -> g.put(name, name.equals(biasName)
                            ? Tensor.wrap(t.shape(), grad) : Tensor.zeros(t.shape())));
                    return new GradientResult(ReferenceForward.crossEntropy(logits, labels), Parameters.of(g));
                }

                @Override
                public OptimizerState optimizerState() {
                    return new OptimizerState(steps, Map.of());
                }

                @Override
                public void restoreOptimizerState(OptimizerState state) {
                    steps = state.step();
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public void close() {
        }
    }
}
