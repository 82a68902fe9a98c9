package org.vgg4j.serve;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.spi.Trainer;

/**
 * A session around a real one whose {@code predict} waits at a gate the test opens, and can be told to fail: makes
 * "a request is in flight", "the queue is full", "the engine is slow" and "the engine failed" deterministic.
 */
final class GatedSession implements Session {
    private final Session inner;
    private final Semaphore gate = new Semaphore(0);
    private final CountDownLatch entered = new CountDownLatch(1);
    private final AtomicInteger calls = new AtomicInteger();
    private volatile boolean open;
    private volatile RuntimeException failure;
    private volatile boolean closed;

    GatedSession(Session inner) {
        this.inner = inner;
    }

    /** Lets every call through from now on. */
    void open() {
        open = true;
        gate.release(1_000_000);
    }

    /** Makes the next calls throw {@code e}. */
    void failWith(RuntimeException e) {
        failure = e;
    }

    /** Waits until a call is waiting at the gate. */
    boolean awaitEntered(long millis) throws InterruptedException {
        return entered.await(millis, TimeUnit.MILLISECONDS);
    }

    int calls() {
        return calls.get();
    }

    boolean closed() {
        return closed;
    }

    @Override
    public Network network() {
        return inner.network();
    }

    @Override
    public Device device() {
        return inner.device();
    }

    @Override
    public Tensor predict(Tensor images) {
        calls.incrementAndGet();
        entered.countDown();
        if (!open) {
            gate.acquireUninterruptibly();
        }
        RuntimeException f = failure;
        if (f != null) {
            throw f;
        }
        return inner.predict(images);
    }

    @Override
    public Parameters parameters() {
        return inner.parameters();
    }

    @Override
    public void loadParameters(Parameters parameters) {
        inner.loadParameters(parameters);
    }

    @Override
    public Trainer trainer(TrainingSpec spec) {
        return inner.trainer(spec);
    }

    @Override
    public void close() {
        closed = true;
        inner.close();
    }
}
