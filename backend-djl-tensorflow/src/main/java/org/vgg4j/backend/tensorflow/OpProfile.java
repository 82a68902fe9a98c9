package org.vgg4j.backend.tensorflow;

import java.util.Map;
import java.util.TreeMap;
import org.tensorflow.internal.c_api.TFE_Context;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.internal.c_api.global.tensorflow;

/**
 * Opt-in per-kernel timing for performance work ({@code -Dvgg4j.tensorflow.profile=true}): waits for every kernel to
 * finish (which serialises the asynchronous executor, so totals are slower than normal runs) and accumulates wall time
 * per kernel name.
 */
final class OpProfile {
    /** Whether profiling is on for this JVM. */
    static final boolean ENABLED = Boolean.getBoolean("vgg4j.tensorflow.profile");

    private static final Map<String, long[]> TOTALS = new TreeMap<>();

    private OpProfile() {
    }

    static synchronized void record(String op, TFE_Context context, long startNanos) {
        try (TF_Status status = TF_Status.newStatus()) {
            tensorflow.TFE_ContextAsyncWait(context, status);
        }
        long[] t = TOTALS.computeIfAbsent(op, k -> new long[2]);
        t[0] += System.nanoTime() - startNanos;
        t[1]++;
    }

    /** The totals so far as text, one kernel a line, and resets them. */
    static synchronized String drain() {
        StringBuilder sb = new StringBuilder();
        TOTALS.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]))
                .forEach(e -> sb.append(String.format("%-36s %8.1f ms %6d calls%n", e.getKey(),
                        e.getValue()[0] / 1e6, e.getValue()[1])));
        TOTALS.clear();
        return sb.toString();
    }
}
