package org.vgg4j.backend.tensorflow;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.Vgg4jException;
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
 * Training steps on TensorFlow kernels: forward (with dropout), softmax cross-entropy (label-smoothed targets where the
 * spec asks for them), explicit backward pass, optimizer update (clipping, scheduled rate: {@link TfOptimizer}); each step's temporaries live in one sub-manager closed at its end.
 *
 * <p>Dropout masks are a pure function of the spec's seed and the optimizer's step count (the number of updates so
 * far, which {@link #restoreOptimizerState} restores): each pass draws them from a generator seeded with
 * {@link StepSeeds#forStep}. So {@link #gradients} sees the masks of the {@link #step} that follows it, and a trainer
 * resumed from a checkpoint continues with the masks, hence the losses, of the uninterrupted run.
 *
 * <p>Batch norm: every pass normalises with the batch statistics; only {@link #step} stores the running statistics
 * that pass computed and counts the batch in {@code num_batches_tracked} ({@link #gradients} leaves them, as the
 * reference backend does). Gradients and optimizer state cover the trained tensors only: buffers and the network's
 * frozen parameters have neither, and an update leaves them as they are.
 */
final class TfTrainer implements Trainer {
    private final TfSession session;
    private final TfOptimizer optimizer;
    private final long seed;
    private final SoftmaxCrossEntropy loss;
    private boolean closed;

    TfTrainer(TfSession session, TrainingSpec spec) {
        this.session = session;
        this.optimizer = new TfOptimizer(spec, session.graph().trainedLayouts(), session.manager());
        this.seed = spec.seed();
        this.loss = (SoftmaxCrossEntropy) spec.loss();
    }

    /** Loss, correct count and gradients of one batch, as engine arrays owned by the step. */
    private record Pass(NDArray losses, NDArray logits, Map<String, NDArray> grads, Map<String, NDArray> buffers) {
    }

    private Pass pass(Kernels k, Tensor images, int[] labels) {
        int batch = images.shape().dim(0);
        NDArray x = session.input(k, images);
        TfGraph graph = session.graph();
        TfGraph.Saved saved = new TfGraph.Saved(stageCount(graph), batch);
        SplittableRandom masks = new SplittableRandom(StepSeeds.forStep(seed, optimizer.step()));
        NDArray logits = graph.forward(k, session.params(), x, batch, true, masks, saved);
        NDArray[] ce = loss.labelSmoothing() == 0 ? k.softmaxCrossEntropy(logits, k.int32(labels))
                : k.softmaxCrossEntropyDense(logits, smoothedTargets(k, labels, logits.getShape().get(1)));
        NDArray dLogits = k.mul(ce[1], k.scalar(1.0 / batch));
        Map<String, NDArray> grads = graph.backward(k, session.params(), dLogits, saved);
        return new Pass(ce[0], logits, grads, saved.buffers);
    }

    /** The label-smoothed target rows {@code (1 - e) onehot + e / K}, [N, K] in the session's precision. */
    private NDArray smoothedTargets(Kernels k, int[] labels, long classes) {
        int count = Math.toIntExact(classes);
        double[] q = new double[labels.length * count];
        for (int i = 0; i < labels.length; i++) {
            for (int j = 0; j < count; j++) {
                q[i * count + j] = loss.target(j, labels[i], count);
            }
        }
        return k.array(q, labels.length, count);
    }

    private static int stageCount(TfGraph graph) {
        return graph.stageCount();
    }

    @Override
    public StepResult step(Tensor images, int[] labels) {
        checkOpen();
        InputChecks.checkBatch(session.network(), images, labels);
        return session.inStep(k -> {
            Pass p = pass(k, images, labels);
            optimizer.update(k, session.params(), p.grads());
            session.storeBuffers(p.buffers());
            double loss = mean(Kernels.doubles(p.losses()));
            int correct = Accuracy.countCorrect(Kernels.floats(p.logits()), labels);
            return new StepResult(loss, correct, labels.length);
        });
    }

    @Override
    public GradientResult gradients(Tensor images, int[] labels) {
        checkOpen();
        InputChecks.checkBatch(session.network(), images, labels);
        return session.inStep(k -> {
            Pass p = pass(k, images, labels);
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (ParamLayout layout : session.graph().trainedLayouts()) {
                out.put(layout.name(), layout.toCore(Kernels.floats(p.grads().get(layout.name()))));
            }
            return new GradientResult(mean(Kernels.doubles(p.losses())), Parameters.of(out));
        });
    }

    /** Moves {@code gradients} to the engine layout and runs the same update as {@link #step}. */
    @Override
    public void applyGradients(Parameters gradients) {
        checkOpen();
        Parameters checked = gradients.conformToTrainable(session.network());
        session.inStep(k -> {
            Map<String, NDArray> grads = new LinkedHashMap<>();
            for (ParamLayout layout : session.graph().trainedLayouts()) {
                grads.put(layout.name(), k.array(layout.toEngine(checked.get(layout.name())),
                        layout.engineShape().toLongArray()));
            }
            optimizer.update(k, session.params(), grads);
            return null;
        });
    }

    @Override
    public OptimizerState optimizerState() {
        checkOpen();
        return optimizer.state();
    }

    @Override
    public void restoreOptimizerState(OptimizerState state) {
        checkOpen();
        optimizer.restore(session.sessionKernels(), state, session.network());
    }

    /** Frees the optimizer's state tensors. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            optimizer.close();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new Vgg4jException("this tensorflow trainer is closed; get a new one with Session.trainer(...)");
        }
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double d : v) {
            s += d;
        }
        return s / v.length;
    }

}
