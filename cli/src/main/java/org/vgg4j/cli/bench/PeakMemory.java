package org.vgg4j.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Peak resident memory of the current process ({@code VmHWM} in {@code /proc/self/status}), Linux only. */
final class PeakMemory {
    private PeakMemory() {
    }

    /** {@code VmHWM} in KiB, or -1 where {@code /proc/self/status} does not exist or has no such line. */
    static long peakRssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
