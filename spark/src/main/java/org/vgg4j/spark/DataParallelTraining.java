package org.vgg4j.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.layer.ParameterSpec;
import org.vgg4j.core.optim.OptimizerState;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.Backends;
import org.vgg4j.core.spi.GradientResult;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.spi.StepResult;
import org.vgg4j.core.spi.StepSeeds;
import org.vgg4j.core.spi.Trainer;

/**
 * Synchronous data-parallel training on Spark: the driver owns the weights and the optimizer (a session and trainer of
 * the chosen backend); at every step each worker (one {@link TrainingShard} of a cached RDD) computes the gradients of
 * its next {@code batchPerWorker} images on its executor's shared session ({@link ExecutorSessions}), Spark sums them
 * with {@code treeAggregate}, and the driver applies one update of the mean gradient with
 * {@link Trainer#applyGradients}. Or, with {@link DataParallelOptions#averageEvery()} = K, workers take K local steps
 * and the driver averages parameters and optimizer state.
 *
 * <p>A task that fails is re-run by Spark from the same broadcast weights and the same batch indices, so a retried
 * step contributes exactly what the first attempt would have. With two workers the sum does not depend on which task
 * finishes first (float addition commutes); with more, the tree's order can change the last bits of the sum.
 */
public final class DataParallelTraining {
    private static final Logger LOG = LoggerFactory.getLogger(DataParallelTraining.class);
    /** The job-local property telling tasks the global step (or averaging round) they belong to. */
    static final String STEP_PROPERTY = "vgg4j.step";

    private DataParallelTraining() {
    }

    /**
     * {@code shards} as an RDD of one shard per partition, kept in executor memory and cut from its driver-side
     * lineage (so later tasks do not ship the images again).
     *
     * @param sc     the Spark context of the driver
     * @param shards one shard per worker; not empty
     * @return an RDD with {@code shards.size()} partitions, already computed and locally checkpointed
     */
    public static JavaRDD<TrainingShard> distribute(JavaSparkContext sc, List<TrainingShard> shards) {
        JavaRDD<TrainingShard> rdd = sc.parallelize(shards, shards.size());
        rdd.persist(StorageLevel.MEMORY_AND_DISK());
        rdd.rdd().localCheckpoint();
        rdd.count();
        return rdd;
    }

    /**
     * Splits {@code images [N, C, H, W]} and {@code labels} into {@code workers} contiguous shards of equal size
     * (the last {@code N mod workers} images are left out).
     *
     * @param images  the images {@code [N, C, H, W]}, already scaled like the training data
     * @param labels  {@code N} class indices
     * @param workers the number of shards, at least 1
     * @return {@code workers} shards of {@code N / workers} images each, copied from {@code images}
     */
    public static List<TrainingShard> split(Tensor images, int[] labels, int workers) {
        int n = labels.length / workers;
        int c = images.shape().dim(1);
        int h = images.shape().dim(2);
        int w = images.shape().dim(3);
        int sample = c * h * w;
        float[] all = images.toArray();
        List<TrainingShard> out = new ArrayList<>();
        for (int k = 0; k < workers; k++) {
            float[] px = new float[n * sample];
            System.arraycopy(all, k * n * sample, px, 0, n * sample);
            int[] lb = new int[n];
            System.arraycopy(labels, k * n, lb, 0, n);
            out.add(new TrainingShard(c, h, w, px, lb));
        }
        return out;
    }

    /**
     * Trains {@code network} from {@code initial} on every shard of {@code shards} (each shard one worker).
     *
     * @param shards  one shard per partition, e.g. from {@link #distribute}
     * @param network the network every worker and the driver build
     * @param initial the starting parameters of {@code network}
     * @param spec    loss, optimizer and learning-rate schedule
     * @param options backend, per-worker batch, epochs, seed, shuffling and synchronisation
     * @return the final parameters and optimizer state, per-epoch losses, step and exchange counts, wall time
     * @throws IllegalArgumentException before any step if a shard is smaller than one batch or does not fit the network,
     *     or if the network holds buffers (batch norm), which data-parallel training does not gather yet
     */
    public static DataParallelResult fit(JavaRDD<TrainingShard> shards, NetworkSpec network, Parameters initial,
            TrainingSpec spec, DataParallelOptions options) {
        return fit(shards, network, initial, spec, options, TaskHook.NONE);
    }

    static DataParallelResult fit(JavaRDD<TrainingShard> shards, NetworkSpec network, Parameters initial,
            TrainingSpec spec, DataParallelOptions options, TaskHook hook) {
        Network net = network.build();
        // Workers' batch statistics are not gathered yet, so a network with buffers (batch norm's running
        // statistics) would end with its initial statistics and evaluate wrongly: refused instead.
        net.parameterSpecs().stream().filter(p -> !p.trainable()).findFirst().ifPresent(p -> {
            throw new IllegalArgumentException("data-parallel training on Spark does not support buffers yet: network '"
                    + net.name() + "' holds " + p.name() + " (batch norm's running statistics are not gathered from"
                    + " the workers); train it on one machine");
        });
        Parameters start = initial.conformTo(net);
        OptimizerRecipe recipe = OptimizerRecipe.of(spec);
        List<int[]> shapes = shards.map(s -> new int[] {s.size(), s.channels(), s.height(), s.width()}).collect();
        if (shapes.isEmpty()) {
            throw new IllegalArgumentException("no training shard: the RDD is empty");
        }
        int stepsPerEpoch = Integer.MAX_VALUE;
        for (int[] s : shapes) {
            if (s[1] != net.sampleShape().dim(0) || s[2] != net.sampleShape().dim(1)
                    || s[3] != net.sampleShape().dim(2)) {
                throw new IllegalArgumentException("a shard holds " + s[1] + "x" + s[2] + "x" + s[3]
                        + " images; network '" + net.name() + "' takes " + net.sampleShape());
            }
            stepsPerEpoch = Math.min(stepsPerEpoch, s[0] / options.batchPerWorker());
        }
        if (stepsPerEpoch == 0) {
            throw new IllegalArgumentException("a shard has fewer images than one batch of " + options.batchPerWorker());
        }
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(shards.context());
        WorkerPlan plan = new WorkerPlan(network, options, recipe, hook, stepsPerEpoch);
        long begin = System.nanoTime();
        return options.averageEvery() == 0
                ? synchronous(sc, shards, net, start, spec, plan, begin)
                : averaging(sc, shards, net, start, plan, begin);
    }

    private static DataParallelResult synchronous(JavaSparkContext sc, JavaRDD<TrainingShard> shards, Network net,
            Parameters start, TrainingSpec spec, WorkerPlan plan, long begin) {
        List<Double> epochLosses = new ArrayList<>();
        long exchanges = 0;
        try (Session driver = Backends.discover().select(plan.options.backend()).open(net, start, Device.cpu());
             Trainer trainer = driver.trainer(spec)) {
            long step = 0;
            for (int epoch = 0; epoch < plan.options.epochs(); epoch++) {
                double lossSum = 0;
                for (int s = 0; s < plan.stepsPerEpoch; s++, step++) {
                    Broadcast<float[][]> weights = sc.broadcast(flat(driver.parameters(), net.parameterSpecs()));
                    sc.setLocalProperty(STEP_PROPERTY, Long.toString(step));
                    int epochF = epoch;
                    int stepF = s;
                    long globalF = step;
                    HostSum sum = shards.mapPartitions((Iterator<TrainingShard> it) ->
                            plan.gradients(it, weights, epochF, stepF, globalF))
                            .treeAggregate(HostSum.empty(), HostSum::plus, HostSum::plus, plan.options.treeDepth());
                    weights.destroy();
                    exchanges++;
                    trainer.applyGradients(unflat(sum.means(), net.trainableSpecs()));
                    lossSum += sum.meanLoss();
                }
                epochLosses.add(lossSum / plan.stepsPerEpoch);
                LOG.info("epoch {}: mean train loss {}", epoch + 1, lossSum / plan.stepsPerEpoch);
            }
            return new DataParallelResult(driver.parameters(), trainer.optimizerState(), epochLosses, step, exchanges,
                    (System.nanoTime() - begin) / 1e9);
        } finally {
            sc.setLocalProperty(STEP_PROPERTY, null);
        }
    }

    private static DataParallelResult averaging(JavaSparkContext sc, JavaRDD<TrainingShard> shards, Network net,
            Parameters start, WorkerPlan plan, long begin) {
        List<Double> epochLosses = new ArrayList<>();
        Parameters params = start;
        OptimizerState state = OptimizerState.initial();
        long exchanges = 0;
        long steps = 0;
        int k = plan.options.averageEvery();
        try {
            for (int epoch = 0; epoch < plan.options.epochs(); epoch++) {
                double lossSum = 0;
                for (int s = 0; s < plan.stepsPerEpoch; s += k) {
                    int count = Math.min(k, plan.stepsPerEpoch - s);
                    Broadcast<float[][]> weights = sc.broadcast(flat(params, net.parameterSpecs()));
                    Broadcast<float[][]> slots = sc.broadcast(flatState(state, net));
                    sc.setLocalProperty(STEP_PROPERTY, Long.toString(exchanges));
                    int epochF = epoch;
                    int firstF = s;
                    long stateStep = state.step();
                    HostSum sum = shards.mapPartitions((Iterator<TrainingShard> it) ->
                            plan.localSteps(it, weights, slots, stateStep, epochF, firstF, count))
                            .treeAggregate(HostSum.empty(), HostSum::plus, HostSum::plus, plan.options.treeDepth());
                    weights.destroy();
                    slots.destroy();
                    exchanges++;
                    float[][] means = sum.means();
                    int nParams = net.parameterSpecs().size();
                    float[][] p = java.util.Arrays.copyOfRange(means, 0, nParams);
                    float[][] st = java.util.Arrays.copyOfRange(means, nParams, means.length);
                    params = unflat(p, net.parameterSpecs());
                    state = unflatState(st, plan.recipe, state.step() + count, net);
                    steps += count;
                    lossSum += sum.meanLoss() * count;
                }
                epochLosses.add(lossSum / plan.stepsPerEpoch);
            }
        } finally {
            sc.setLocalProperty(STEP_PROPERTY, null);
        }
        return new DataParallelResult(params, state, epochLosses, steps, exchanges, (System.nanoTime() - begin) / 1e9);
    }

    /** Everything a task needs besides the broadcast values; serialized into every task. */
    private record WorkerPlan(NetworkSpec network, DataParallelOptions options, OptimizerRecipe recipe, TaskHook hook,
            int stepsPerEpoch) implements java.io.Serializable {

        String sessionKey() {
            return "train|" + options.backend() + "|" + network.key();
        }

        /** The indices of step {@code step} of {@code epoch} in a shard of {@code size} images. */
        int[] batch(int size, int partition, int epoch, int step) {
            int b = options.batchPerWorker();
            int[] order = new int[size];
            for (int i = 0; i < size; i++) {
                order[i] = i;
            }
            if (options.shuffle()) {
                SplittableRandom rng = new SplittableRandom(StepSeeds.forStep(options.seed() ^ (partition * 0x9E3779B97F4A7C15L), epoch));
                for (int i = size - 1; i > 0; i--) {
                    int j = rng.nextInt(i + 1);
                    int t = order[i];
                    order[i] = order[j];
                    order[j] = t;
                }
            }
            return java.util.Arrays.copyOfRange(order, step * b, step * b + b);
        }

        /** The dropout seed of a worker's pass: differs per worker and per step. */
        long dropoutSeed(int partition, long step) {
            return StepSeeds.forStep(options.seed() + 0x632BE59BD9B4E019L * (partition + 1), step);
        }

        Iterator<HostSum> gradients(Iterator<TrainingShard> it, Broadcast<float[][]> weights, int epoch, int step,
                long global) {
            TaskContext context = TaskContext.get();
            hook.atTaskStart(context);
            int partition = context.partitionId();
            List<HostSum> out = new ArrayList<>();
            Network net = network.build();
            while (it.hasNext()) {
                TrainingShard shard = it.next();
                int[] idx = batch(shard.size(), partition, epoch, step);
                out.add(ExecutorSessions.with(sessionKey(), () -> open(net, weights.value()), session -> {
                    session.loadParameters(unflat(weights.value(), net.parameterSpecs()));
                    try (Trainer t = session.trainer(recipe.spec(dropoutSeed(partition, global)))) {
                        GradientResult g = t.gradients(shard.images(idx), shard.labels(idx));
                        return HostSum.of(flat(g.gradients(), net.trainableSpecs()), g.loss(), idx.length);
                    }
                }));
            }
            return out.iterator();
        }

        Iterator<HostSum> localSteps(Iterator<TrainingShard> it, Broadcast<float[][]> weights,
                Broadcast<float[][]> slots, long stateStep, int epoch, int first, int count) {
            TaskContext context = TaskContext.get();
            hook.atTaskStart(context);
            int partition = context.partitionId();
            List<HostSum> out = new ArrayList<>();
            Network net = network.build();
            while (it.hasNext()) {
                TrainingShard shard = it.next();
                out.add(ExecutorSessions.with(sessionKey(), () -> open(net, weights.value()), session -> {
                    session.loadParameters(unflat(weights.value(), net.parameterSpecs()));
                    try (Trainer t = session.trainer(recipe.spec(dropoutSeed(partition, 0)))) {
                        t.restoreOptimizerState(unflatState(slots.value(), recipe, stateStep, net));
                        double loss = 0;
                        for (int s = first; s < first + count; s++) {
                            int[] idx = batch(shard.size(), partition, epoch, s);
                            StepResult r = t.step(shard.images(idx), shard.labels(idx));
                            loss += r.loss();
                        }
                        float[][] p = flat(session.parameters(), net.parameterSpecs());
                        float[][] st = flatState(t.optimizerState(), net);
                        float[][] both = new float[p.length + st.length][];
                        System.arraycopy(p, 0, both, 0, p.length);
                        System.arraycopy(st, 0, both, p.length, st.length);
                        return HostSum.of(both, loss / count, shard.size());
                    }
                }));
            }
            return out.iterator();
        }

        private Session open(Network net, float[][] weights) {
            return Backends.discover().select(options.backend()).open(net, unflat(weights, net.parameterSpecs()),
                    Device.cpu());
        }
    }

    /** The slot names of the optimizer, in a fixed order. */
    private static List<String> slotNames(OptimizerRecipe recipe) {
        return recipe.adam() ? List.of(org.vgg4j.core.optim.Adam.EXP_AVG, org.vgg4j.core.optim.Adam.EXP_AVG_SQ)
                : List.of(org.vgg4j.core.optim.Sgd.MOMENTUM_BUFFER);
    }

    private static float[][] flatState(OptimizerState state, Network net) {
        List<float[]> out = new ArrayList<>();
        List<String> names = new ArrayList<>(state.slots().keySet());
        names.sort(null);
        for (String slot : names) {
            out.addAll(List.of(flat(state.slots().get(slot), net.trainableSpecs())));
        }
        return out.toArray(float[][]::new);
    }

    private static OptimizerState unflatState(float[][] values, OptimizerRecipe recipe, long step, Network net) {
        if (values.length == 0) {
            return step == 0 ? OptimizerState.initial() : new OptimizerState(step, Map.of());
        }
        List<String> names = new ArrayList<>(slotNames(recipe));
        names.sort(null);
        int per = net.trainableSpecs().size();
        Map<String, Parameters> slots = new LinkedHashMap<>();
        for (int i = 0; i < names.size() && (i + 1) * per <= values.length; i++) {
            slots.put(names.get(i), unflat(java.util.Arrays.copyOfRange(values, i * per, (i + 1) * per),
                    net.trainableSpecs()));
        }
        return new OptimizerState(step, slots);
    }

    static float[][] flat(Parameters p, List<ParameterSpec> specs) {
        float[][] out = new float[specs.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = p.get(specs.get(i).name()).toArray();
        }
        return out;
    }

    static Parameters unflat(float[][] values, List<ParameterSpec> specs) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            m.put(specs.get(i).name(), Tensor.wrap(specs.get(i).shape(), values[i]));
        }
        return Parameters.of(m);
    }
}
