package org.vgg4j.benchmarks.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/** The smaps breakdown: its parsers on texts HotSpot prints, and its parts against the kernel's own VmRSS. */
class MemoryBreakdownTest {

    @Test
    void readsTheHeapRangeAndTheJvmsOwnShareFromDiagnosticCommands() {
        String heapInfo = " garbage-first heap   total 397312K, used 11923K [0x0000000682800000, 0x0000000800000000)\n"
                + "  region size 4096K, 3 young (12288K), 0 survivors (0K)\n";
        assertThat(MemoryBreakdown.javaHeapRange(heapInfo)).containsExactly(0x682800000L, 0x800000000L);
        assertThat(MemoryBreakdown.javaHeapRange("no heap here")).isNull();

        String nmt = "Native Memory Tracking:\n\nTotal: reserved=7815127KB, committed=486527KB\n"
                + "-                 Java Heap (reserved=6291456KB, committed=397312KB)\n";
        assertThat(MemoryBreakdown.jvmNonHeap(nmt)).isEqualTo(486527L - 397312L);
        assertThat(MemoryBreakdown.jvmNonHeap("Native memory tracking is not enabled")).isEqualTo(-1);
    }

    @Test
    void partsAddUpToTheResidentSetAndTheTouchedHeapShows() {
        assumeTrue(ProcessMemory.supported(), "smaps is Linux's");
        byte[][] touched = new byte[32][];
        for (int i = 0; i < touched.length; i++) {
            touched[i] = new byte[1 << 20];
            java.util.Arrays.fill(touched[i], (byte) 1);
        }
        MemoryBreakdown b = MemoryBreakdown.self();
        long rss = ProcessMemory.self().rssKib();
        long sum = b.javaHeapKib() + b.fileKib() + b.brkHeapKib() + b.otherAnonKib();
        assertThat(b.javaHeapKib()).as("32 MiB just written on the Java heap").isGreaterThan(32 * 1024);
        assertThat(b.fileKib()).as("the JDK's own libraries are mapped").isPositive();
        assertThat((double) sum).as("smaps parts against VmRSS (KiB)").isCloseTo(rss, org.assertj.core.api.Assertions
                .withinPercentage(10));
        assertThat(touched[31][0]).isEqualTo((byte) 1);
    }
}
