package org.vgg4j.spark;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vgg4j.core.spi.Session;

/**
 * One backend session per JVM and key, opened on first use and reused by every later task in that JVM, used by one
 * task at a time (sessions are not thread-safe, and libtorch's autograd state is global), and closed when the JVM
 * exits. The key names the model and the backend, so a task for another model opens another session.
 *
 * <p>An executor runs several tasks at once (one per core) but the engines already use every core for one batch, so
 * tasks take turns on the session rather than each opening a copy of the model.
 */
public final class ExecutorSessions {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorSessions.class);
    private static final Map<String, Entry<?>> OPEN = new LinkedHashMap<>();
    private static final AtomicInteger OPENED = new AtomicInteger();
    private static final java.util.concurrent.atomic.AtomicLong OPEN_NANOS = new java.util.concurrent.atomic.AtomicLong();
    private static boolean hookInstalled;

    private ExecutorSessions() {
    }

    /** A session and what was read with it (the model's input shape, class names, ...). */
    private static final class Entry<T extends AutoCloseable> {
        final T value;

        Entry(T value) {
            this.value = value;
        }
    }

    /**
     * Runs {@code body} with the JVM's value for {@code key}, opening it with {@code open} if this JVM has none yet;
     * no other task uses it meanwhile.
     *
     * @param <T>  the type of the cached value, e.g. a backend session; closed by {@link #closeAll()} or at JVM exit
     * @param <R>  what {@code body} returns
     * @param key  names the value in this JVM's cache; equal keys share one value
     * @param open makes the value when this JVM has none for {@code key} (called at most once per key)
     * @param body the work to do with the value, run while holding the value's lock
     * @return what {@code body} returned
     */
    @SuppressWarnings("unchecked")
    public static <T extends AutoCloseable, R> R with(String key, Supplier<T> open, Function<T, R> body) {
        Entry<T> entry;
        synchronized (OPEN) {
            entry = (Entry<T>) OPEN.get(key);
            if (entry == null) {
                installHook();
                long start = System.nanoTime();
                entry = new Entry<>(open.get());
                OPEN_NANOS.addAndGet(System.nanoTime() - start);
                OPEN.put(key, entry);
                OPENED.incrementAndGet();
                LOG.info("opened session {} in this JVM", key);
            }
        }
        synchronized (entry) {
            return body.apply(entry.value);
        }
    }

    /**
     * How many sessions this JVM has opened so far (for tests and logs).
     *
     * @return the number of values {@link #with} has opened since the JVM started, including closed ones
     */
    public static int openedCount() {
        return OPENED.get();
    }

    /** Seconds this JVM has spent opening sessions (for spark-classify's {@code -Dvgg4j.spark.timings}). */
    static double openSeconds() {
        return OPEN_NANOS.get() / 1e9;
    }

    /** Closes every session of this JVM (also done at JVM exit); later tasks open new ones. */
    public static void closeAll() {
        synchronized (OPEN) {
            for (Map.Entry<String, Entry<?>> e : OPEN.entrySet()) {
                synchronized (e.getValue()) {
                    try {
                        e.getValue().value.close();
                    } catch (Exception ex) {
                        LOG.warn("closing session {}: {}", e.getKey(), ex.toString());
                    }
                }
            }
            OPEN.clear();
        }
    }

    private static void installHook() {
        if (!hookInstalled) {
            hookInstalled = true;
            Runtime.getRuntime().addShutdownHook(new Thread(ExecutorSessions::closeAll, "vgg4j-session-close"));
        }
    }
}
