package org.vgg4j.backend.tensorflow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session.Runner;
import org.tensorflow.Tensor;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.family.TNumber;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Vgg4jException;
import org.vgg4j.core.layer.BatchNorm2d;
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
 * Training steps on the session's graph: one run computes the forward pass (with dropout), softmax cross-entropy
 * against (label-smoothed) dense targets, TensorFlow's symbolic gradients and the optimizer update ({@link
 * TfOptimizer}); with gradient clipping a second run applies the update once the global norm is known.
 *
 * <p>Dropout masks are a pure function of the spec's seed and the optimizer's step count (the number of updates so
 * far, which {@link #restoreOptimizerState} restores): each pass draws them in Java from a generator seeded with
 * {@link StepSeeds#forStep} and feeds them. So {@link #gradients} sees the masks of the {@link #step} that follows it,
 * and a trainer resumed from a checkpoint continues with the masks, hence the losses, of the uninterrupted run.
 *
 * <p>Batch norm: every pass normalises with the batch statistics; only {@link #step} stores the running statistics
 * that pass computed and counts the batch in {@code num_batches_tracked} ({@link #gradients} leaves them, as the
 * reference backend does). Gradients and optimizer state cover the trained tensors only: buffers and the network's
 * frozen parameters have neither, and an update leaves them as they are.
 */
final class TfTrainer implements Trainer {
    private final TfSession session;
    private final NetGraph net;
    private final NetGraph.Training graph;
    private final TfOptimizer optimizer;
    private final TrainingSpec spec;
    private final long seed;
    private final SoftmaxCrossEntropy loss;
    private boolean closed;

    TfTrainer(TfSession session, TrainingSpec spec) {
        this.session = session;
        this.net = session.net();
        this.graph = net.training();
        this.optimizer = new TfOptimizer(spec, session.graph().trainedLayouts(), net);
        this.spec = spec;
        this.seed = spec.seed();
        this.loss = (SoftmaxCrossEntropy) spec.loss();
        session.opened(this);
    }

    long heldTensors() {
        return optimizer.heldTensors();
    }

    /** Feeds a training pass: images, targets, dropout masks, parameters; the created tensors go to {@code temps}. */
    private Runner pass(org.vgg4j.core.Tensor images, int[] labels, List<Tensor> temps) {
        int batch = images.shape().dim(0);
        checkBatchNorm(batch);
        Runner r = net.session().runner();
        temps.add(session.input(images));
        r.feed(net.input, temps.get(temps.size() - 1));
        temps.add(targets(labels));
        r.feed(graph.targets(), temps.get(temps.size() - 1));
        SplittableRandom rng = new SplittableRandom(StepSeeds.forStep(seed, optimizer.step()));
        List<Stage> stages = session.graph().stages();
        for (Map.Entry<Integer, Placeholder<TNumber>> e : graph.masks().entrySet()) {
            Stage s = stages.get(e.getKey());
            double p = ((org.vgg4j.core.layer.Dropout) s.layer()).p();
            long[] shape = Stage.engineShape(s.input(), batch);
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            float keep = (float) (1.0 / (1.0 - p));
            float[] mask = new float[Math.toIntExact(n)];
            for (int j = 0; j < mask.length; j++) {
                mask[j] = rng.nextDouble() < p ? 0f : keep;
            }
            temps.add(Tensors.of(net.precision(), mask, shape));
            r.feed(e.getValue(), temps.get(temps.size() - 1));
        }
        session.feedParams(r);
        return r;
    }

    /** Training refuses a batch with one value per channel, as PyTorch does. */
    private void checkBatchNorm(int batch) {
        for (Stage s : session.graph().stages()) {
            if (s.kind() == Stage.Kind.BATCH_NORM && (long) batch * s.input().dim(2) * s.input().dim(3) < 2) {
                throw new IllegalArgumentException("layer '" + s.path() + "' (" + ((BatchNorm2d) s.layer()).describe()
                        + ") needs more than 1 value per channel to train, got input " + s.input().withBatch(batch)
                        + "; use a larger batch");
            }
        }
    }

    /** The (label-smoothed) target rows {@code (1 - e) onehot + e / K}, [N, K] in the session's precision. */
    private Tensor targets(int[] labels) {
        Shape logits = session.network().outputShape(session.network().sampleShape().prepend(1));
        int count = logits.dim(1);
        double[] q = new double[labels.length * count];
        for (int i = 0; i < labels.length; i++) {
            for (int j = 0; j < count; j++) {
                q[i * count + j] = loss.target(j, labels[i], count);
            }
        }
        return Tensors.of(net.precision(), q, labels.length, count);
    }

    @Override
    public StepResult step(org.vgg4j.core.Tensor images, int[] labels) {
        checkOpen();
        InputChecks.checkBatch(session.network(), images, labels);
        return TfSession.run(() -> {
            List<Tensor> temps = new ArrayList<>();
            try {
                Runner r = pass(images, labels, temps).fetch(graph.losses()).fetch(graph.logits());
                graph.buffers().values().forEach(r::fetch);
                boolean clips = !session.graph().trainedLayouts().isEmpty() && clips();
                if (clips) {
                    graph.grads().values().forEach(r::fetch);
                    r.fetch(graph.gradSquareSum());
                    Result res = r.run();
                    TensorStore.Owner owner = TensorStore.own(res);
                    try {
                        StepResult out = result(res, labels);
                        int i = 2 + storeBuffers(res, 2, owner);
                        Map<String, Tensor> grads = new LinkedHashMap<>();
                        for (String name : graph.grads().keySet()) {
                            grads.put(name, res.get(i++));
                        }
                        double norm = Math.sqrt(Tensors.doubles(res.get(i))[0]);
                        update(grads, norm);
                        return out;
                    } finally {
                        owner.release();
                    }
                }
                int from = 2 + graph.buffers().size();
                optimizer.feedUpdate(r, 1, temps);
                Result res = r.run();
                TensorStore.Owner owner = TensorStore.own(res);
                try {
                    StepResult out = result(res, labels);
                    storeBuffers(res, 2, owner);
                    optimizer.take(res, from, owner, session.params());
                    return out;
                } finally {
                    owner.release();
                }
            } finally {
                temps.forEach(Tensor::close);
            }
        });
    }

    private boolean clips() {
        return spec.clips();
    }

    private StepResult result(Result res, int[] labels) {
        double mean = mean(Tensors.doubles(res.get(0)));
        int correct = Accuracy.countCorrect(Tensors.floats(res.get(1)), labels);
        return new StepResult(mean, correct, labels.length);
    }

    /** Stores the running statistics fetched from index {@code from} and counts the batch; returns how many. */
    private int storeBuffers(Result res, int from, TensorStore.Owner owner) {
        int i = from;
        for (String name : graph.buffers().keySet()) {
            session.params().put(name, res.get(i++), owner);
        }
        if (!graph.buffers().isEmpty()) {
            session.countBatch();
        }
        return i - from;
    }

    /**
     * The update from given gradients (fed in place of the graph's), clipped to the spec's global norm: {@code norm}
     * is their L2 norm, or NaN to have the graph compute it.
     */
    private void update(Map<String, Tensor> grads, double norm) {
        if (session.graph().trainedLayouts().isEmpty()) {
            return;
        }
        double scale = 1;
        if (clips()) {
            if (Double.isNaN(norm)) {
                Runner n = net.session().runner();
                feedGrads(n, grads);
                try (Result res = n.fetch(graph.gradSquareSum()).run()) {
                    norm = Math.sqrt(Tensors.doubles(res.get(0))[0]);
                }
            }
            scale = spec.clipCoefficient(norm);
        }
        List<Tensor> temps = new ArrayList<>();
        try {
            Runner r = net.session().runner();
            session.feedParams(r);
            feedGrads(r, grads);
            optimizer.feedUpdate(r, scale, temps);
            Result res = r.run();
            TensorStore.Owner owner = TensorStore.own(res);
            try {
                optimizer.take(res, 0, owner, session.params());
            } finally {
                owner.release();
            }
        } finally {
            temps.forEach(Tensor::close);
        }
    }

    private void feedGrads(Runner r, Map<String, Tensor> grads) {
        for (Map.Entry<String, Output<TNumber>> e : graph.grads().entrySet()) {
            r.feed(e.getValue(), grads.get(e.getKey()));
        }
    }

    @Override
    public GradientResult gradients(org.vgg4j.core.Tensor images, int[] labels) {
        checkOpen();
        InputChecks.checkBatch(session.network(), images, labels);
        return TfSession.run(() -> {
            List<Tensor> temps = new ArrayList<>();
            try {
                Runner r = pass(images, labels, temps).fetch(graph.losses());
                graph.grads().values().forEach(r::fetch);
                try (Result res = r.run()) {
                    Map<String, org.vgg4j.core.Tensor> out = new LinkedHashMap<>();
                    int i = 1;
                    for (ParamLayout layout : session.graph().trainedLayouts()) {
                        out.put(layout.name(), layout.toCore(Tensors.floats(res.get(i++))));
                    }
                    return new GradientResult(mean(Tensors.doubles(res.get(0))), Parameters.of(out));
                }
            } finally {
                temps.forEach(Tensor::close);
            }
        });
    }

    /** Moves {@code gradients} to the engine layout and runs the same update as {@link #step}. */
    @Override
    public void applyGradients(Parameters gradients) {
        checkOpen();
        Parameters checked = gradients.conformToTrainable(session.network());
        Map<String, Tensor> grads = new LinkedHashMap<>();
        try {
            for (ParamLayout layout : session.graph().trainedLayouts()) {
                grads.put(layout.name(), Tensors.of(net.precision(), layout.toEngine(checked.get(layout.name())),
                        layout.engineShape().toLongArray()));
            }
            TfSession.run(() -> {
                update(grads, Double.NaN);
                return null;
            });
        } finally {
            grads.values().forEach(Tensor::close);
        }
    }

    @Override
    public OptimizerState optimizerState() {
        checkOpen();
        return optimizer.state();
    }

    @Override
    public void restoreOptimizerState(OptimizerState state) {
        checkOpen();
        optimizer.restore(state, session.network());
    }

    /** Frees the optimizer's state tensors. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            optimizer.close();
            session.closed(this);
            NativeMemory.trim();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new Vgg4jException("this tensorflow trainer is closed; get a new one with Session.trainer(...)");
        }
        session.ensureOpen();
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double d : v) {
            s += d;
        }
        return s / v.length;
    }
}
