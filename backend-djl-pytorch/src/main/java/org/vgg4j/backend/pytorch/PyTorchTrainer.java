package org.vgg4j.backend.pytorch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.vgg4j.core.Network;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.Vgg4jException;
import org.vgg4j.core.layer.ParameterSpec;
import org.vgg4j.core.optim.OptimizerState;
import org.vgg4j.core.optim.SoftmaxCrossEntropy;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.Accuracy;
import org.vgg4j.core.spi.GradientResult;
import org.vgg4j.core.spi.InputChecks;
import org.vgg4j.core.spi.StepResult;
import org.vgg4j.core.spi.StepSeeds;
import org.vgg4j.core.spi.Trainer;

/**
 * Training on a {@link PyTorchSession}'s weights: forward in training mode (dropout active), mean softmax
 * cross-entropy, libtorch autograd, and an in-place optimizer update; every temporary of a step lives in a sub-manager
 * closed before the step returns, and the optimizer's state in another one, closed by {@link #close()}.
 *
 * <p>Dropout masks come from libtorch's global generator, re-seeded before each step from the spec's seed and the
 * step number, so a step's mask depends only on (seed, step) and {@link #gradients} sees the same mask as the
 * {@link #step} that follows it on the same batch. Sessions and trainers are not thread-safe, and only one trainer per
 * process may be inside a step at a time (libtorch's grad mode and generator are global).
 */
final class PyTorchTrainer implements Trainer {
    private final PyTorchSession session;
    private final Network network;
    private final TrainingSpec spec;
    private final NDManager stateManager;
    private final OptimizerKernel kernel;
    private final boolean stochastic;
    private final int classes;
    private long steps;
    private boolean closed;

    PyTorchTrainer(PyTorchSession session, TrainingSpec spec) {
        this.session = session;
        this.network = session.network();
        this.spec = Objects.requireNonNull(spec, "spec");
        if (!(spec.loss() instanceof SoftmaxCrossEntropy)) {
            throw new UnsupportedOperationException("the pytorch backend implements only softmax cross-entropy, not "
                    + spec.loss());
        }
        this.stateManager = session.manager().newSubManager();
        this.kernel = OptimizerKernel.forSpec(spec.optimizer(), stateManager, network);
        this.stochastic = network.hasActiveDropout();
        this.classes = network.numClasses();
    }

    @Override
    public StepResult step(Tensor images, int[] labels) {
        checkOpen();
        InputChecks.checkBatch(network, images, labels);
        try (NDManager scope = session.manager().newSubManager()) {
            Pass pass = forwardBackward(scope, images, labels);
            update(scope, pass.grads);
            return new StepResult(pass.loss, pass.correct, labels.length);
        }
    }

    @Override
    public GradientResult gradients(Tensor images, int[] labels) {
        checkOpen();
        InputChecks.checkBatch(network, images, labels);
        try (NDManager scope = session.manager().newSubManager()) {
            // a training-mode forward updates batch norm's buffers in place; gradients() updates nothing, so the
            // buffers are copied first and written back after the pass
            NDArray[] params = session.params();
            List<ParameterSpec> specs = session.specs();
            Map<Integer, java.nio.ByteBuffer> savedBuffers = new LinkedHashMap<>();
            for (int i = 0; i < specs.size(); i++) {
                if (!specs.get(i).trainable()) {
                    savedBuffers.put(i, params[i].toByteBuffer());
                }
            }
            Pass pass = forwardBackward(scope, images, labels);
            for (Map.Entry<Integer, java.nio.ByteBuffer> b : savedBuffers.entrySet()) {
                params[b.getKey()].set(b.getValue());
            }
            Map<String, Tensor> grads = new LinkedHashMap<>();
            List<ParameterSpec> trainable = network.trainableSpecs();
            for (int i = 0; i < pass.grads.length; i++) {
                grads.put(trainable.get(i).name(), NdArrays.toTensor(pass.grads[i], trainable.get(i).shape()));
            }
            return new GradientResult(pass.loss, Parameters.of(grads));
        }
    }

    /** Copies {@code gradients} to the session's device and runs the same in-place update as {@link #step}. */
    @Override
    public void applyGradients(Parameters gradients) {
        checkOpen();
        Parameters checked = gradients.conformToTrainable(network);
        try (NDManager scope = session.manager().newSubManager()) {
            List<ParameterSpec> trainable = network.trainableSpecs();
            NDArray[] grads = new NDArray[trainable.size()];
            for (int i = 0; i < grads.length; i++) {
                grads[i] = NdArrays.toNd(scope, checked.get(trainable.get(i).name()));
            }
            update(scope, grads);
        }
    }

    /**
     * The one update of {@link #step} and {@link #applyGradients}: the gradients clipped in place to the spec's global
     * norm ({@code clip_grad_norm_}: per-tensor L2 norms, their L2 norm, one factor for all), then the optimizer's
     * rule at each parameter's scheduled learning rate of this step (its group's).
     */
    private void update(NDManager scope, NDArray[] grads) {
        if (spec.clips()) {
            NDList norms = new NDList(grads.length);
            for (NDArray g : grads) {
                norms.add(g.square().sum().sqrt());
            }
            NDArray total = NDArrays.stack(norms).square().sum().sqrt();
            double coef = spec.clipCoefficient(total.getFloat());
            total.attach(scope);
            norms.attach(scope);
            if (coef < 1) {
                for (NDArray g : grads) {
                    g.muli((float) coef);
                }
            }
        }
        kernel.update(session.trainableParams(), grads, steps + 1, rates(steps + 1));
        steps++;
    }

    /** The scheduled learning rate of each trainable parameter (its group's) at update {@code step}. */
    private double[] rates(long step) {
        List<ParameterSpec> trainable = network.trainableSpecs();
        double[] rates = new double[trainable.size()];
        for (int i = 0; i < rates.length; i++) {
            rates[i] = spec.learningRate(trainable.get(i).name(), step);
        }
        return rates;
    }

    @Override
    public OptimizerState optimizerState() {
        checkOpen();
        return kernel.export(steps);
    }

    @Override
    public void restoreOptimizerState(OptimizerState state) {
        checkOpen();
        Objects.requireNonNull(state, "state");
        kernel.restore(state);
        steps = state.step();
    }

    /** Frees the optimizer's state arrays (they live in a sub-manager of the session's). */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            stateManager.close();
        }
    }

    private void checkOpen() {
        session.checkOpen();
        if (closed) {
            throw new Vgg4jException("this pytorch trainer is closed; get a new one with Session.trainer(...)");
        }
    }

    /** Loss, correct count and gradients of the trainable parameters (attached to the step's scope) of one batch. */
    private record Pass(double loss, int correct, NDArray[] grads) {
    }

    private Pass forwardBackward(NDManager scope, Tensor images, int[] labels) {
        NDArray[] trainable = session.trainableParams();
        for (NDArray p : trainable) {
            JniUtils.zeroGrad((PtNDArray) p);
        }
        if (stochastic) {
            JniUtils.setSeed(StepSeeds.forStep(spec.seed(), steps));
        }
        int n = labels.length;
        float[] oneHot = new float[n * classes];
        SoftmaxCrossEntropy loss0 = (SoftmaxCrossEntropy) spec.loss();
        for (int i = 0; i < n; i++) {
            if (loss0.labelSmoothing() == 0) {
                oneHot[i * classes + labels[i]] = 1f;
            } else {
                for (int j = 0; j < classes; j++) {
                    oneHot[i * classes + j] = (float) loss0.target(j, labels[i], classes);
                }
            }
        }
        float loss;
        float[] logits;
        try (GradientCollector collector = session.engine().newGradientCollector()) {
            NDArray x = session.staging().copy(scope, images.buffer(), NdArrays.djlShape(images.shape()));
            NDArray out = session.program().forward(x, session.params(), true);
            NDArray target = session.staging().copy(scope, FloatBuffer.wrap(oneHot),
                    new ai.djl.ndarray.types.Shape(n, classes));
            // Mean softmax cross-entropy, as PyTorch's nll_loss(log_softmax(x)) computes it: -sum(picked) / n; with
            // label smoothing the target rows are (1 - e) one-hot + e / K, CrossEntropyLoss(label_smoothing=e).
            NDArray lossArray = out.logSoftmax(1).mul(target).sum().div(-n);
            collector.backward(lossArray);
            loss = lossArray.getFloat();
            logits = out.toFloatArray();
        }
        NDArray[] grads = new NDArray[trainable.length];
        for (int i = 0; i < trainable.length; i++) {
            grads[i] = trainable[i].getGradient();
            grads[i].attach(scope);
        }
        return new Pass(loss, Accuracy.countCorrect(logits, labels), grads);
    }
}
