package org.vgg4j.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The outcome of one case (one engine, mode, workload): the wall time of each timed step in milliseconds and the
 * peak resident memory of its process, or the reason it was skipped.
 *
 * @param millis     timed steps, in order
 * @param peakRssKb  {@code VmHWM} of the process at the end, KiB (-1 if unknown)
 * @param skipReason null if the case ran
 */
public record CaseResult(List<Double> millis, long peakRssKb, String skipReason) {
    /** Prefix of the one result line a child process prints on standard output. */
    static final String RESULT_PREFIX = "VGG4J-BENCH ";

    /**
     * Copies the steps.
     *
     * @param millis     timed steps, in order
     * @param peakRssKb  {@code VmHWM} of the process at the end, KiB (-1 if unknown)
     * @param skipReason null if the case ran
     */
    public CaseResult {
        millis = List.copyOf(millis);
    }

    /**
     * A skipped case.
     *
     * @param reason why it was skipped
     * @return a result with no steps
     */
    public static CaseResult skipped(String reason) {
        return new CaseResult(List.of(), -1, reason);
    }

    /**
     * Whether the case ran.
     *
     * @return true if it ran and timed at least one step
     */
    public boolean ok() {
        return skipReason == null && !millis.isEmpty();
    }

    /**
     * The median step time.
     *
     * @return milliseconds; NaN when there are no steps
     */
    public double medianMillis() {
        double[] s = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = s.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /**
     * The fastest step.
     *
     * @return milliseconds; NaN when there are no steps
     */
    public double minMillis() {
        return millis.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    /**
     * The slowest step.
     *
     * @return milliseconds; NaN when there are no steps
     */
    public double maxMillis() {
        return millis.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /**
     * Both runs' steps together (the larger peak memory), for repeated rounds; a skip wins over nothing.
     *
     * @param other another round of the same case
     * @return the merged result
     */
    public CaseResult merge(CaseResult other) {
        if (!other.ok()) {
            return ok() ? this : other;
        }
        if (!ok()) {
            return other;
        }
        List<Double> all = new ArrayList<>(millis);
        all.addAll(other.millis);
        return new CaseResult(all, Math.max(peakRssKb, other.peakRssKb), null);
    }

    /**
     * The result line a child prints: {@code VGG4J-BENCH rss_kb=K ms=a,b,c} or {@code ... skip=reason}.
     *
     * @return the line
     */
    public String toLine() {
        if (skipReason != null) {
            return RESULT_PREFIX + "rss_kb=" + peakRssKb + " skip=" + skipReason.replace('\n', ' ');
        }
        return RESULT_PREFIX + "rss_kb=" + peakRssKb + " ms="
                + millis.stream().map(m -> String.format(Locale.ROOT, "%.4f", m)).collect(Collectors.joining(","));
    }

    /**
     * Parses a line written by {@link #toLine()} (or by the Python reference script).
     *
     * @param line the line
     * @return the result it holds
     * @throws IllegalArgumentException if it is not a result line
     */
    public static CaseResult parse(String line) {
        if (!line.startsWith(RESULT_PREFIX)) {
            throw new IllegalArgumentException("not a result line: " + line);
        }
        String rest = line.substring(RESULT_PREFIX.length()).trim();
        long rss = -1;
        List<Double> ms = new ArrayList<>();
        String skip = null;
        while (!rest.isEmpty()) {
            int space = rest.indexOf(' ');
            String field = space < 0 ? rest : rest.substring(0, space);
            if (field.startsWith("skip=")) {
                skip = rest.substring(5);
                break;
            }
            if (field.startsWith("rss_kb=")) {
                rss = Long.parseLong(field.substring(7));
            } else if (field.startsWith("ms=") && field.length() > 3) {
                for (String v : field.substring(3).split(",")) {
                    ms.add(Double.parseDouble(v));
                }
            }
            rest = space < 0 ? "" : rest.substring(space + 1).trim();
        }
        return new CaseResult(ms, rss, skip);
    }
}
