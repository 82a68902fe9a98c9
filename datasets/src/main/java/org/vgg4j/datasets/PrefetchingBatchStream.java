package org.vgg4j.datasets;

import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vgg4j.core.Vgg4jException;
import org.vgg4j.core.train.Batch;
import org.vgg4j.core.train.BatchStream;

/**
 * Batches {@code first .. end-1} made by a background daemon thread into a bounded queue; a failure on that thread is
 * rethrown to the consumer when it reaches that batch, and {@link #close()} stops the thread.
 */
final class PrefetchingBatchStream implements BatchStream {
    private static final Logger LOG = LoggerFactory.getLogger(PrefetchingBatchStream.class);

    /** A failure of the worker, queued in place of the batch it could not make. */
    private record Failure(Throwable error) {
    }

    private final BlockingQueue<Object> queue;
    private final Thread worker;
    private final int end;
    private int next;
    private volatile boolean closed;
    private long waitedNanos;

    PrefetchingBatchStream(IntFunction<Batch> maker, int first, int end, int capacity, String threadName) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.end = end;
        this.next = first;
        this.worker = new Thread(() -> produce(maker, first, end), threadName);
        worker.setDaemon(true);
        if (first < end) {
            worker.start();
        }
    }

    private void produce(IntFunction<Batch> maker, int first, int end) {
        for (int i = first; i < end && !closed; i++) {
            Object item;
            try {
                item = maker.apply(i);
            } catch (Throwable t) { // handed to the consumer, which rethrows it
                item = new Failure(t);
            }
            try {
                while (!closed && !queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
                    // wait for the consumer
                }
            } catch (InterruptedException e) {
                return;
            }
            if (item instanceof Failure) {
                return;
            }
        }
    }

    @Override
    public boolean hasNext() {
        return !closed && next < end;
    }

    @Override
    public Batch next() {
        if (closed) {
            throw new IllegalStateException("batch stream is closed");
        }
        if (next >= end) {
            throw new NoSuchElementException("no batches left in this epoch");
        }
        Object item;
        long t0 = System.nanoTime();
        try {
            item = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Vgg4jException("interrupted while waiting for batch " + next, e);
        }
        waitedNanos += System.nanoTime() - t0;
        if (item instanceof Failure f) {
            close();
            Throwable t = f.error();
            if (t instanceof RuntimeException r) {
                throw r;
            }
            if (t instanceof Error err) {
                throw err;
            }
            throw new Vgg4jException("preparing batch " + next + " failed: " + t, t);
        }
        next++;
        return (Batch) item;
    }

    /** Number of batches prepared and waiting (for tests). */
    int queued() {
        return queue.size();
    }

    /** Whether the background thread is still running (for tests). */
    boolean workerAlive() {
        return worker.isAlive();
    }

    /** Total time the consumer spent waiting for batches, in nanoseconds. */
    long waitedNanos() {
        return waitedNanos;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        worker.interrupt();
        queue.clear();
        try {
            worker.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            LOG.warn("batch loader thread {} did not stop within 5 s", worker.getName());
        }
    }
}
