package org.vgg4j.core.optim;

/**
 * A learning-rate schedule: a pure function of the base learning rate and the 1-based number of the update step, so
 * that the schedule's whole state is the optimizer's step count ({@link OptimizerState#step()}), which checkpoints
 * already hold; a resumed run continues with exactly the learning rates of the uninterrupted one. Step {@code t} is
 * the {@code t}-th update (the first update is step 1), and PyTorch's schedulers give that update the rate they hold
 * after {@code t - 1} calls of {@code scheduler.step()}.
 */
public sealed interface LrSchedule permits LrSchedule.Constant, LrSchedule.StepDecay, LrSchedule.CosineWarmup,
        LrSchedule.OneCycle {

    /**
     * The learning rate of update step {@code step}.
     *
     * @param baseLr the optimizer's learning rate ({@link OptimizerSpec#learningRate()}), > 0
     * @param step   the 1-based number of the update, >= 1
     * @return the learning rate for that update, >= 0
     * @throws IllegalArgumentException if {@code step} is below 1
     */
    double learningRate(double baseLr, long step);

    /**
     * No schedule: every step uses the base learning rate.
     *
     * @return the constant schedule
     */
    static LrSchedule constant() {
        return new Constant();
    }

    private static void checkStep(long step) {
        if (step < 1) {
            throw new IllegalArgumentException("schedule steps count from 1, got " + step);
        }
    }

    /** The base learning rate at every step: {@code lr(t) = baseLr}. */
    record Constant() implements LrSchedule {
        /** {@inheritDoc} */
        @Override
        public double learningRate(double baseLr, long step) {
            checkStep(step);
            return baseLr;
        }
    }

    /**
     * Step decay (PyTorch's {@code StepLR(step_size, gamma)} stepped once per update): the rate is multiplied by
     * {@code gamma} every {@code stepSize} steps, {@code lr(t) = baseLr * gamma^floor((t - 1) / stepSize)}.
     *
     * @param stepSize steps between two decays, >= 1
     * @param gamma    the factor of each decay, > 0 and finite
     */
    record StepDecay(long stepSize, double gamma) implements LrSchedule {
        /**
         * Checks the fields.
         *
         * @param stepSize steps between two decays, >= 1
         * @param gamma    the factor of each decay, > 0 and finite
         * @throws IllegalArgumentException if either is out of range
         */
        public StepDecay {
            if (stepSize < 1 || !(gamma > 0) || Double.isInfinite(gamma)) {
                throw new IllegalArgumentException("bad StepDecay(stepSize=" + stepSize + ", gamma=" + gamma
                        + "): stepSize must be >= 1 and gamma > 0");
            }
        }

        /** {@inheritDoc} */
        @Override
        public double learningRate(double baseLr, long step) {
            checkStep(step);
            return baseLr * Math.pow(gamma, (step - 1) / stepSize);
        }
    }

    /**
     * Linear warm-up, then cosine annealing to a floor. With {@code W = warmupSteps}, {@code T = totalSteps} and
     * {@code min = baseLr * minLrRatio}:
     *
     * <pre>
     * t &lt;= W:  lr(t) = baseLr * t / W
     * t &gt;  W:  lr(t) = min + (baseLr - min) * (1 + cos(pi * p)) / 2,   p = (t - W) / (T - W)
     * </pre>
     * so the rate climbs to {@code baseLr} at step {@code W} and reaches {@code min} at step {@code T}; steps after
     * {@code T} keep the rate of step {@code T}. The warm-up is PyTorch's closed-form {@code LinearLR(start_factor =
     * 1 / W, total_iters = W - 1)}, the rest its closed-form {@code CosineAnnealingLR(T_max = T - W, eta_min = min)}
     * at epoch {@code t - W}.
     *
     * @param warmupSteps steps of linear warm-up, 0 to {@code totalSteps} (0: none)
     * @param totalSteps  the step at which the rate reaches its floor, >= 1
     * @param minLrRatio  the floor as a fraction of the base rate, in [0, 1]
     */
    record CosineWarmup(long warmupSteps, long totalSteps, double minLrRatio) implements LrSchedule {
        /**
         * Checks the fields.
         *
         * @param warmupSteps steps of linear warm-up, 0 to {@code totalSteps}
         * @param totalSteps  the step at which the rate reaches its floor, >= 1
         * @param minLrRatio  the floor as a fraction of the base rate, in [0, 1]
         * @throws IllegalArgumentException listing the three values if one is out of range
         */
        public CosineWarmup {
            if (totalSteps < 1 || warmupSteps < 0 || warmupSteps > totalSteps
                    || !(minLrRatio >= 0 && minLrRatio <= 1)) {
                throw new IllegalArgumentException("bad CosineWarmup(warmupSteps=" + warmupSteps + ", totalSteps="
                        + totalSteps + ", minLrRatio=" + minLrRatio + "): need 0 <= warmupSteps <= totalSteps, "
                        + "totalSteps >= 1 and minLrRatio in [0, 1]");
            }
        }

        /** {@inheritDoc} */
        @Override
        public double learningRate(double baseLr, long step) {
            checkStep(step);
            long t = Math.min(step, totalSteps);
            if (t <= warmupSteps) {
                return baseLr * t / warmupSteps;
            }
            double min = baseLr * minLrRatio;
            double p = (double) (t - warmupSteps) / (totalSteps - warmupSteps);
            return min + (baseLr - min) * (1 + Math.cos(Math.PI * p)) / 2;
        }
    }

    /**
     * The one-cycle policy, exactly PyTorch's {@code OneCycleLR(max_lr = baseLr, total_steps, pct_start, div_factor,
     * final_div_factor, anneal_strategy='cos', cycle_momentum=False, three_phase=False)}: with {@code s = t - 1},
     * {@code initial = baseLr / divFactor}, {@code min = initial / finalDivFactor}, {@code e1 = pctStart * T - 1}
     * and {@code cos(a, b, q) = b + (a - b) * (1 + cos(pi * q)) / 2}:
     *
     * <pre>
     * s &lt;= e1:  lr = cos(initial, baseLr, s / e1)
     * else:     lr = cos(baseLr, min, (s - e1) / (T - 1 - e1))
     * </pre>
     * Steps after {@code T} keep the rate of step {@code T} (where PyTorch's scheduler raises an error); a phase of
     * zero length counts as complete.
     *
     * @param totalSteps     the length of the cycle in steps, >= 1
     * @param pctStart       the fraction of the cycle spent rising, in (0, 1)
     * @param divFactor      {@code baseLr / initial}, > 0
     * @param finalDivFactor {@code initial / min}, > 0
     */
    record OneCycle(long totalSteps, double pctStart, double divFactor, double finalDivFactor)
            implements LrSchedule {
        /**
         * Checks the fields.
         *
         * @param totalSteps     the length of the cycle in steps, >= 1
         * @param pctStart       the fraction of the cycle spent rising, in (0, 1)
         * @param divFactor      {@code baseLr / initial}, > 0 and finite
         * @param finalDivFactor {@code initial / min}, > 0 and finite
         * @throws IllegalArgumentException listing the four values if one is out of range
         */
        public OneCycle {
            if (totalSteps < 1 || !(pctStart > 0 && pctStart < 1) || !(divFactor > 0) || !(finalDivFactor > 0)
                    || Double.isInfinite(divFactor) || Double.isInfinite(finalDivFactor)) {
                throw new IllegalArgumentException("bad OneCycle(totalSteps=" + totalSteps + ", pctStart=" + pctStart
                        + ", divFactor=" + divFactor + ", finalDivFactor=" + finalDivFactor + ")");
            }
        }

        /**
         * PyTorch's defaults: {@code pct_start} 0.3, {@code div_factor} 25, {@code final_div_factor} 1e4.
         *
         * @param totalSteps the length of the cycle in steps, >= 1
         * @return the one-cycle schedule over {@code totalSteps}
         * @throws IllegalArgumentException if {@code totalSteps} is below 1
         */
        public static OneCycle withTotalSteps(long totalSteps) {
            return new OneCycle(totalSteps, 0.3, 25, 1e4);
        }

        /** {@inheritDoc} */
        @Override
        public double learningRate(double baseLr, long step) {
            checkStep(step);
            double s = Math.min(step, totalSteps) - 1;
            double initial = baseLr / divFactor;
            double min = initial / finalDivFactor;
            double end1 = pctStart * totalSteps - 1;
            double end2 = totalSteps - 1;
            if (s <= end1) {
                return anneal(initial, baseLr, end1 <= 0 ? 1 : s / end1);
            }
            return anneal(baseLr, min, end2 <= end1 ? 1 : (s - end1) / (end2 - end1));
        }

        private static double anneal(double start, double end, double pct) {
            return end + (start - end) / 2.0 * (Math.cos(Math.PI * pct) + 1);
        }
    }
}
