package org.vgg4j.benchmarks.soak;

import java.util.Locale;

/**
 * The state of a soak run after {@code step} training steps: resident memory of the process, the JVM's heap and
 * direct buffers, and the mean time of the steps since the previous sample.
 *
 * @param step          training steps done
 * @param seconds       seconds since the first step started
 * @param memory        resident memory of the process
 * @param heapUsedKib   Java heap in use (live objects and not yet collected garbage)
 * @param heapCommittedKib Java heap committed by the collector
 * @param directKib     memory of live direct {@code ByteBuffer}s (engines' host staging buffers)
 * @param msPerStep     mean wall time of one step since the previous sample (0 for the first sample)
 */
public record SoakSample(int step, double seconds, ProcessMemory memory, long heapUsedKib, long heapCommittedKib,
        long directKib, double msPerStep) {

    /** The CSV header matching {@link #csv(String)}. */
    public static final String CSV_HEADER = "backend,step,seconds,rss_mib,anon_mib,file_mib,heap_used_mib,"
            + "heap_committed_mib,direct_mib,ms_per_step";

    /**
     * Resident set in MiB.
     *
     * @return the process's resident set size, in MiB (1024 KiB)
     */
    public double rssMib() {
        return memory.rssKib() / 1024.0;
    }

    /**
     * One CSV row for {@code backend}.
     *
     * @param backend the value of the first column
     * @return the row, without a line end, with the columns of {@link #CSV_HEADER} in MiB, seconds and ms
     */
    public String csv(String backend) {
        return String.format(Locale.ROOT, "%s,%d,%.2f,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%.2f", backend, step, seconds,
                rssMib(), memory.anonKib() / 1024.0, memory.fileKib() / 1024.0, heapUsedKib / 1024.0,
                heapCommittedKib / 1024.0, directKib / 1024.0, msPerStep);
    }

    /**
     * Parses a row written by {@link #csv(String)} (the backend column is skipped).
     *
     * @param row one data row, without a line end
     * @return the sample, its memory rounded to whole KiB and its page-table size unknown (-1)
     * @throws IllegalArgumentException if the row has not 10 fields or a field is not a number
     */
    public static SoakSample parse(String row) {
        String[] f = row.split(",");
        if (f.length != 10) {
            throw new IllegalArgumentException("expected 10 comma-separated fields in a soak row, got " + f.length
                    + ": " + row);
        }
        return new SoakSample(Integer.parseInt(f[1]), Double.parseDouble(f[2]),
                new ProcessMemory(kib(f[3]), kib(f[4]), kib(f[5]), -1), kib(f[6]), kib(f[7]), kib(f[8]),
                Double.parseDouble(f[9]));
    }

    private static long kib(String mib) {
        return Math.round(Double.parseDouble(mib) * 1024);
    }
}
