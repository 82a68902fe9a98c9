package org.vgg4j.core.config;

import java.util.List;
import org.vgg4j.core.optim.LrSchedule;

/**
 * The learning-rate schedule of an {@link OptimizerConfig}: its name and the settings of the named schedule (the
 * others are recorded but unused). Cosine and one-cycle schedules run over the whole run, whose length in steps
 * (epochs times batches per epoch) is known only with the data, so {@link #spec} takes it.
 *
 * @param name        {@value #CONSTANT}, {@value #STEP}, {@value #COSINE} or {@value #ONE_CYCLE}
 * @param warmupSteps cosine: steps of linear warm-up, >= 0
 * @param stepSize    step decay: steps between two decays, >= 1
 * @param gamma       step decay: the factor of each decay, in (0, 1]
 * @param minLr       cosine: the learning rate at the end of the run, >= 0 (and below the optimizer's)
 */
public record ScheduleConfig(String name, long warmupSteps, long stepSize, double gamma, double minLr) {

    /** No schedule: the learning rate of every step is the optimizer's. */
    public static final String CONSTANT = "constant";
    /** Step decay: multiplied by {@code gamma} every {@code stepSize} steps. */
    public static final String STEP = "step";
    /** Linear warm-up for {@code warmupSteps}, then cosine annealing to {@code minLr} at the end of the run. */
    public static final String COSINE = "cosine";
    /** PyTorch's one-cycle policy over the run (pct_start 0.3, div_factor 25, final_div_factor 1e4). */
    public static final String ONE_CYCLE = "onecycle";
    /** Every schedule name, in the order the CLI lists them. */
    public static final List<String> NAMES = List.of(CONSTANT, STEP, COSINE, ONE_CYCLE);

    /**
     * Checks the fields.
     *
     * @param name        one of {@link #NAMES}
     * @param warmupSteps steps of linear warm-up, >= 0
     * @param stepSize    steps between two decays, >= 1
     * @param gamma       the factor of each decay, in (0, 1]
     * @param minLr       the final learning rate of the cosine schedule, finite and >= 0
     * @throws IllegalArgumentException naming the field that is out of range
     */
    public ScheduleConfig {
        Checks.present(name, "optimizer.schedule.name");
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("optimizer.schedule.name must be one of " + String.join(", ", NAMES)
                    + ", got '" + name + "'");
        }
        Checks.atLeast("optimizer.schedule.warmupSteps", warmupSteps, 0);
        Checks.positive("optimizer.schedule.stepSize", stepSize);
        if (!(gamma > 0 && gamma <= 1)) {
            throw new IllegalArgumentException("optimizer.schedule.gamma must be > 0 and <= 1, got " + gamma);
        }
        if (!(minLr >= 0) || Double.isInfinite(minLr)) {
            throw new IllegalArgumentException("optimizer.schedule.minLr must be >= 0 and finite, got " + minLr);
        }
    }

    /**
     * The constant schedule, with the CLI's defaults for the unused settings (no warm-up, step size 1000, gamma
     * 0.1, final rate 0).
     *
     * @return what {@code vgg4j train} records without schedule options, and what older checkpoints were trained with
     */
    public static ScheduleConfig constant() {
        return new ScheduleConfig(CONSTANT, 0, 1000, 0.1, 0);
    }

    /**
     * Whether the schedule's shape depends on the run's total number of steps (cosine and one-cycle).
     *
     * @return true for {@value #COSINE} and {@value #ONE_CYCLE}
     */
    public boolean spansTheRun() {
        return name.equals(COSINE) || name.equals(ONE_CYCLE);
    }

    /**
     * The schedule.
     *
     * @param learningRate the optimizer's (base) learning rate, > 0: {@code minLr} is a fraction of it
     * @param totalSteps   the run's total number of update steps, >= 1 (used by cosine and one-cycle only)
     * @return the schedule these settings describe
     * @throws IllegalArgumentException if the settings do not fit the run (more warm-up steps than the run has, a
     *                                  final rate above the base rate)
     */
    public LrSchedule spec(double learningRate, long totalSteps) {
        return switch (name) {
            case STEP -> new LrSchedule.StepDecay(stepSize, gamma);
            case COSINE -> new LrSchedule.CosineWarmup(warmupSteps, totalSteps, minLr / learningRate);
            case ONE_CYCLE -> LrSchedule.OneCycle.withTotalSteps(totalSteps);
            default -> LrSchedule.constant();
        };
    }
}
