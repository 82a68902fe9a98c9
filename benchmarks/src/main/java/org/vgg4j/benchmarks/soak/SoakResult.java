package org.vgg4j.benchmarks.soak;

import java.util.List;

/**
 * The samples of one backend's soak run and the least-squares slope of its resident set over the last
 * {@code windowSteps} steps, in MiB per step.
 *
 * @param backend     backend name
 * @param samples     samples in step order, the first before any step
 * @param windowSteps how many of the last steps the slope covers
 * @param breakdown   where the child's resident set was after the last step ({@link MemoryBreakdown}), or empty
 */
public record SoakResult(String backend, List<SoakSample> samples, int windowSteps, String breakdown) {

    /**
     * A result without a breakdown.
     *
     * @param backend     backend name
     * @param samples     at least 3 samples in step order, the first before any step
     * @param windowSteps how many of the last steps the slope covers
     */
    public SoakResult(String backend, List<SoakSample> samples, int windowSteps) {
        this(backend, samples, windowSteps, "");
    }

    /**
     * Copies the samples and checks there are enough to fit a slope.
     *
     * @param backend     backend name
     * @param samples     at least 3 samples in step order, the first before any step (copied)
     * @param windowSteps how many of the last steps the slope covers
     * @param breakdown   where the child's resident set was after the last step, or empty
     * @throws IllegalArgumentException if there are fewer than 3 samples
     */
    public SoakResult {
        samples = List.copyOf(samples);
        if (samples.size() < 3) {
            throw new IllegalArgumentException(backend + ": a soak result needs at least 3 samples, got "
                    + samples.size());
        }
    }

    /**
     * Steps run.
     *
     * @return the step number of the last sample
     */
    public int steps() {
        return samples.get(samples.size() - 1).step();
    }

    /**
     * The samples the slope is fitted to: those at or after step {@code steps() - windowSteps}.
     *
     * @return an unmodifiable list of samples, in step order
     */
    public List<SoakSample> window() {
        int from = steps() - windowSteps;
        return samples.stream().filter(s -> s.step() >= from).toList();
    }

    /**
     * Least-squares slope of the resident set over {@link #window()}, MiB per step.
     *
     * @return the slope in MiB per step; positive means the resident set grows
     */
    public double rssSlopeMibPerStep() {
        List<SoakSample> w = window();
        return Slope.leastSquares(w.stream().mapToDouble(SoakSample::step).toArray(),
                w.stream().mapToDouble(SoakSample::rssMib).toArray());
    }

    /**
     * Resident set before the first step, MiB.
     *
     * @return the first sample's resident set, in MiB
     */
    public double startRssMib() {
        return samples.get(0).rssMib();
    }

    /**
     * Resident set at the end, MiB.
     *
     * @return the last sample's resident set, in MiB
     */
    public double endRssMib() {
        return samples.get(samples.size() - 1).rssMib();
    }

    /**
     * Largest resident set sampled, MiB.
     *
     * @return the maximum over all samples, in MiB
     */
    public double maxRssMib() {
        return samples.stream().mapToDouble(SoakSample::rssMib).max().orElseThrow();
    }

    /**
     * Median of the sampled mean step times (ms) over {@link #window()}.
     *
     * @return the median in milliseconds over the samples with a positive step time, or 0 when there are none
     */
    public double medianMsPerStep() {
        double[] t = window().stream().mapToDouble(SoakSample::msPerStep).filter(v -> v > 0).sorted().toArray();
        return t.length == 0 ? 0 : t.length % 2 == 1 ? t[t.length / 2] : (t[t.length / 2 - 1] + t[t.length / 2]) / 2;
    }
}
