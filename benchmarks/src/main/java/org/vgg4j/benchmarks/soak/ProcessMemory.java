package org.vgg4j.benchmarks.soak;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One reading of a Linux process's resident memory from {@code /proc/<pid>/status}, in KiB: the resident set
 * ({@code VmRSS}), its anonymous and file-backed parts ({@code RssAnon}, {@code RssFile}) and the peak
 * ({@code VmHWM}).
 *
 * @param rssKib  resident set
 * @param anonKib anonymous resident memory (heap, malloc arenas, engine buffers)
 * @param fileKib file-backed resident memory (mapped libraries and jars)
 * @param hwmKib  peak resident set so far
 */
public record ProcessMemory(long rssKib, long anonKib, long fileKib, long hwmKib) {

    /**
     * This process's memory now; fails with an {@link UncheckedIOException} off Linux.
     *
     * @return the figures of {@code /proc/self/status}, in KiB
     */
    public static ProcessMemory self() {
        return of(Path.of("/proc/self/status"));
    }

    /**
     * Whether {@code /proc/self/status} can be read (Linux).
     *
     * @return true when {@link #self()} can work here
     */
    public static boolean supported() {
        return Files.isReadable(Path.of("/proc/self/status"));
    }

    /** Parses a {@code /proc/<pid>/status} file; a missing field is -1. */
    static ProcessMemory of(Path status) {
        long rss = -1;
        long anon = -1;
        long file = -1;
        long hwm = -1;
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    rss = kib(line);
                } else if (line.startsWith("RssAnon:")) {
                    anon = kib(line);
                } else if (line.startsWith("RssFile:")) {
                    file = kib(line);
                } else if (line.startsWith("VmHWM:")) {
                    hwm = kib(line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + status + " (resident memory is read from Linux's /proc)", e);
        }
        return new ProcessMemory(rss, anon, file, hwm);
    }

    private static long kib(String line) {
        return Long.parseLong(line.substring(line.indexOf(':') + 1).trim().split("\\s+")[0]);
    }
}
