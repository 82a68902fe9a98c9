package org.vgg4j.serve;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;

/**
 * Owns one model's session on a thread of its own and combines concurrent requests into engine calls: a call starts
 * when it holds {@code maxBatch} images, or {@code maxDelayMs} after its oldest request arrived, or as soon as no
 * other request is queued or being read (see {@link #reading}), whichever comes first. Waiting while nothing is on its
 * way could only delay the call: with clients that wait for their answers before sending again, the requests that
 * could join are the ones this call holds. Requests are never split, so one request of more than {@code maxBatch}
 * images runs as a call of its own.
 * {@link #submit} is thread-safe; the session is only ever used by the batcher's thread, as {@code Session} requires.
 * The thread sleeps until something changes (a request queued, the last request being read is done, a flush) rather
 * than polling: on a loaded machine every needless wake-up is a context switch the HTTP threads pay for.
 *
 * <p>Requests whose deadline passed while they waited are answered with 503 and not computed. {@link #close} stops
 * taking requests, finishes every request already queued, then closes the session.
 */
final class DynamicBatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DynamicBatcher.class);
    /** How long an idle batcher sleeps before it looks again whether it is closing (close also wakes it). */
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final ServedModel model;
    private final int maxBatch;
    private final long maxDelayNanos;
    private final int maxQueue;
    private final ServerMetrics metrics;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a job is queued, when the last request being read is done, and on flush and close. */
    private final Condition changed = lock.newCondition();
    /** The jobs waiting, oldest first; guarded by {@link #lock}. */
    private final ArrayDeque<Job> queue = new ArrayDeque<>();
    private final AtomicInteger queuedImages = new AtomicInteger();
    private final AtomicInteger reading = new AtomicInteger();
    private final Thread worker;
    private final Object lifecycle = new Object();
    private volatile boolean closing;
    private volatile boolean flushing;
    /** Whether the batcher is gathering a batch, i.e. waits for requests still being read. */
    private volatile boolean gathering;

    /** A request waiting for the engine: its images, when it arrived, its deadline, and where its logits go. */
    private record Job(Tensor images, long arrivedNanos, long deadlineNanos, CompletableFuture<Tensor> result) {
        int count() {
            return images.shape().dim(0);
        }
    }

    DynamicBatcher(ServedModel model, ServeOptions options, ServerMetrics metrics) {
        this.model = model;
        this.maxBatch = options.maxBatch();
        this.maxDelayNanos = TimeUnit.MILLISECONDS.toNanos(options.maxDelayMs());
        this.maxQueue = options.maxQueue();
        this.metrics = metrics;
        metrics.queue(model.name(), queuedImages::get);
        this.worker = new Thread(this::run, "vgg4j-batcher-" + model.name());
        worker.setDaemon(true);
        worker.start();
    }

    /**
     * Queues {@code images} ({@code [N, C, H, W]}, already checked against the model) and returns their logits
     * {@code [N, classes]} when computed.
     *
     * @param deadlineNanos the {@link System#nanoTime()} after which the request is answered with 503 uncomputed
     * @throws ApiException 503 if the queue is full or the model is shutting down
     */
    CompletableFuture<Tensor> submit(Tensor images, long deadlineNanos) {
        Job job = new Job(images, System.nanoTime(), deadlineNanos, new CompletableFuture<>());
        int n = job.count();
        synchronized (lifecycle) {
            if (closing) {
                throw new ApiException(ApiException.UNAVAILABLE, "model '" + model.name() + "' is shutting down");
            }
            int before = queuedImages.getAndAdd(n);
            if (before > 0 && before + n > maxQueue) {
                queuedImages.addAndGet(-n);
                throw new ApiException(ApiException.UNAVAILABLE, "model '" + model.name() + "' is overloaded: "
                        + before + " images are queued and the limit is " + maxQueue + " (--max-queue); retry later");
            }
            lock.lock();
            try {
                queue.addLast(job);
                changed.signal();
            } finally {
                lock.unlock();
            }
        }
        return job.result();
    }

    /**
     * Runs {@code read}, a request's body being read and parsed before it is {@link #submit}ted from inside it, while
     * counting it as on its way, so that a gathering batch waits for it (up to {@code maxDelayMs}).
     */
    <T> T reading(Supplier<T> read) {
        reading.incrementAndGet();
        try {
            return read.get();
        } finally {
            if (reading.decrementAndGet() == 0 && gathering) {
                signal(); // the gathering batch need not wait for anything else
            }
        }
    }

    private void signal() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Images waiting for the engine now. */
    int queued() {
        return queuedImages.get();
    }

    private void run() {
        while (true) {
            Job first;
            lock.lock();
            try {
                while (queue.isEmpty() && !closing) {
                    try {
                        changed.awaitNanos(IDLE_NANOS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                first = queue.pollFirst();
            } finally {
                lock.unlock();
            }
            if (first == null) {
                if (closing) {
                    return; // submit refuses jobs once closing is set, so none can come after this empty queue
                }
                continue;
            }
            execute(gather(first));
        }
    }

    /** The jobs of one engine call: {@code first}, then whatever fits that arrives before the delay runs out. */
    private List<Job> gather(Job first) {
        List<Job> batch = new ArrayList<>();
        batch.add(first);
        int images = first.count();
        long flushAt = first.arrivedNanos() + maxDelayNanos;
        gathering = true; // set before reading is checked below, so a reader finishing after the check signals
        lock.lock();
        try {
            while (images < maxBatch) {
                Job next = queue.peekFirst();
                if (next != null) {
                    if (images + next.count() > maxBatch) {
                        break;
                    }
                    queue.pollFirst();
                    batch.add(next);
                    images += next.count();
                    continue;
                }
                if (flushing || reading.get() == 0) {
                    break; // nothing is on its way: waiting could only delay this call
                }
                long wait = flushAt - System.nanoTime();
                if (wait <= 0) {
                    break;
                }
                try {
                    changed.awaitNanos(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        } finally {
            lock.unlock();
            gathering = false;
        }
        return batch;
    }

    private void execute(List<Job> jobs) {
        long now = System.nanoTime();
        List<Job> live = new ArrayList<>(jobs.size());
        int images = 0;
        for (Job job : jobs) {
            queuedImages.addAndGet(-job.count());
            if (job.result().isDone()) {
                continue; // answered already (timed out at the HTTP layer)
            }
            if (now - job.deadlineNanos() > 0) {
                job.result().completeExceptionally(timeout());
                continue;
            }
            live.add(job);
            images += job.count();
        }
        if (live.isEmpty()) {
            return;
        }
        try {
            Tensor input = concatenate(live, images);
            long start = System.nanoTime();
            Tensor logits = model.session().predict(input);
            metrics.batch(model.name(), images, (System.nanoTime() - start) / 1e9);
            int row = 0;
            for (Job job : live) {
                job.result().complete(live.size() == 1 ? logits : logits.slice(row, row + job.count()));
                row += job.count();
            }
        } catch (RuntimeException | Error e) {
            LOG.error("model '{}': the engine failed on a batch of {} images", model.name(), images, e);
            for (Job job : live) {
                job.result().completeExceptionally(e);
            }
        }
    }

    private ApiException timeout() {
        return new ApiException(ApiException.UNAVAILABLE, "model '" + model.name()
                + "' did not reach this request before its timeout (--timeout-ms); retry later");
    }

    private static Tensor concatenate(List<Job> jobs, int images) {
        if (jobs.size() == 1) {
            return jobs.get(0).images();
        }
        Shape sample = jobs.get(0).images().shape().dropFirst();
        int per = Math.toIntExact(sample.elementCount());
        float[] data = new float[Math.multiplyExact(images, per)];
        int offset = 0;
        for (Job job : jobs) {
            job.images().copyTo(data, offset);
            offset += job.images().size();
        }
        return Tensor.wrap(sample.prepend(images), data);
    }

    /**
     * From now on, runs what is queued at once instead of waiting for batches to fill: the server is draining, and
     * every request still to come is one already in flight.
     */
    void flush() {
        flushing = true;
        signal();
    }

    /** Stops taking requests, answers every queued one, waits for the thread and closes the session. */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closing) {
                return;
            }
            closing = true;
            flushing = true;
        }
        signal();
        boolean interrupted = false;
        while (worker.isAlive()) {
            try {
                worker.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        model.session().close();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
