package org.vgg4j.benchmarks.soak;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * Where this Linux JVM's resident set is, in KiB, read from {@code /proc/self/smaps}: the Java heap (anonymous pages
 * inside the address range that {@code GC.heap_info} reports), file-backed mappings (the engines' shared libraries,
 * jars), the {@code [heap]} of glibc's main malloc arena, and every other anonymous mapping (the other malloc
 * arenas, thread stacks, the JVM's metaspace and code cache, engine mmaps). When the JVM runs with
 * {@code -XX:NativeMemoryTracking=summary}, {@code jvmNonHeapKib} is what the JVM itself committed outside the Java
 * heap (an upper bound of its resident part); otherwise -1.
 *
 * @param javaHeapKib   resident pages of the Java heap
 * @param fileKib       resident file-backed pages
 * @param brkHeapKib    resident pages of {@code [heap]} (glibc's main arena)
 * @param otherAnonKib  every other resident anonymous page
 * @param jvmNonHeapKib NMT's committed total minus its Java heap, or -1 without NMT
 */
public record MemoryBreakdown(long javaHeapKib, long fileKib, long brkHeapKib, long otherAnonKib, long jvmNonHeapKib) {
    private static final Pattern MAPPING = Pattern.compile("[0-9a-f]+-[0-9a-f]+ ");
    private static final Pattern HEAP_RANGE = Pattern.compile("\\[(0x[0-9a-f]+), (0x[0-9a-f]+)\\)");
    private static final Pattern NMT_TOTAL = Pattern.compile("Total: reserved=\\d+KB, committed=(\\d+)KB");
    private static final Pattern NMT_HEAP = Pattern.compile("Java Heap \\(reserved=\\d+KB, committed=(\\d+)KB\\)");

    /**
     * This process's breakdown now (Linux, HotSpot).
     *
     * @return where the resident set of this JVM is at the time of the call
     */
    public static MemoryBreakdown self() {
        long[] heap = javaHeapRange(diagnostic("gcHeapInfo"));
        long javaHeap = 0;
        long file = 0;
        long brk = 0;
        long other = 0;
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/self/smaps"));
            long lo = 0;
            String name = "";
            for (String line : lines) {
                if (MAPPING.matcher(line).lookingAt()) {
                    String[] f = line.trim().split("\\s+", 6);
                    lo = Long.parseUnsignedLong(f[0].substring(0, f[0].indexOf('-')), 16);
                    name = f.length == 6 ? f[5] : "";
                } else if (line.startsWith("Rss:")) {
                    long kib = Long.parseLong(line.substring(4).trim().split("\\s+")[0]);
                    if (!name.isEmpty() && !name.startsWith("[")) {
                        file += kib;
                    } else if (name.equals("[heap]")) {
                        brk += kib;
                    } else if (heap != null && Long.compareUnsigned(lo, heap[0]) >= 0
                            && Long.compareUnsigned(lo, heap[1]) < 0) {
                        javaHeap += kib;
                    } else {
                        other += kib;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/smaps", e);
        }
        return new MemoryBreakdown(javaHeap, file, brk, other, jvmNonHeap(diagnostic("vmNativeMemory", "summary")));
    }

    /** One line, MiB. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Java heap %.0f MiB, file-backed %.0f MiB, glibc [heap] %.0f MiB, other "
                + "anonymous %.0f MiB%s", javaHeapKib / 1024.0, fileKib / 1024.0, brkHeapKib / 1024.0,
                otherAnonKib / 1024.0, jvmNonHeapKib < 0 ? "" : String.format(Locale.ROOT,
                        " (of which at most %.0f MiB the JVM's own, NMT)", jvmNonHeapKib / 1024.0));
    }

    /** The {@code [start, end)} of the Java heap in a {@code GC.heap_info} text, or null. */
    static long[] javaHeapRange(String heapInfo) {
        Matcher m = HEAP_RANGE.matcher(heapInfo);
        return m.find() ? new long[] {Long.parseUnsignedLong(m.group(1).substring(2), 16),
                Long.parseUnsignedLong(m.group(2).substring(2), 16)} : null;
    }

    /** NMT's committed total minus its Java heap, in KiB, or -1 when the text has no NMT summary. */
    static long jvmNonHeap(String nmt) {
        Matcher total = NMT_TOTAL.matcher(nmt);
        Matcher heap = NMT_HEAP.matcher(nmt);
        return total.find() && heap.find() ? Long.parseLong(total.group(1)) - Long.parseLong(heap.group(1)) : -1;
    }

    private static String diagnostic(String operation, String... args) {
        try {
            Object r = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), operation,
                    new Object[] {args}, new String[] {String[].class.getName()});
            return String.valueOf(r);
        } catch (JMException | RuntimeException e) {
            return "";
        }
    }
}
