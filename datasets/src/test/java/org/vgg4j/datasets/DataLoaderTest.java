package org.vgg4j.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.train.Batch;
import org.vgg4j.core.train.BatchStream;

class DataLoaderTest {
    private static final ImageDataset DATA = SmallData.dataset(103, 28, 28, 5);

    private static List<Batch> all(BatchStream stream) {
        List<Batch> out = new ArrayList<>();
        try (stream) {
            while (stream.hasNext()) {
                out.add(stream.next());
            }
        }
        return out;
    }

    private static DataLoader loader(long seed) {
        return DataLoader.builder(DATA).batchSize(10).imageSize(32).seed(seed).build();
    }

    private static void assertSameBatch(Batch a, Batch b) {
        assertThat(a.labels()).isEqualTo(b.labels());
        assertThat(a.images().shape()).isEqualTo(b.images().shape());
        assertThat(a.images().toArray()).isEqualTo(b.images().toArray());
    }

    @Test
    void everySampleOnceInAnOrderFixedBySeedAndEpoch() {
        DataLoader l = loader(7);
        int[] e0 = l.order(0);
        assertThat(Arrays.stream(e0).sorted().toArray())
                .isEqualTo(java.util.stream.IntStream.range(0, 103).toArray());
        assertThat(loader(7).order(0)).isEqualTo(e0);
        assertThat(loader(7).order(3)).isEqualTo(l.order(3));
        assertThat(l.order(1)).isNotEqualTo(e0);
        assertThat(loader(8).order(0)).isNotEqualTo(e0);
        assertThat(e0).isNotEqualTo(java.util.stream.IntStream.range(0, 103).toArray());
    }

    @Test
    void sameSeedAndEpochGiveTheSameBatches() {
        List<Batch> a = all(loader(3).epoch(2, 0));
        List<Batch> b = all(loader(3).epoch(2, 0));
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < a.size(); i++) {
            assertSameBatch(a.get(i), b.get(i));
        }
        List<Batch> other = all(loader(3).epoch(1, 0));
        assertThat(other.get(0).labels()).isNotEqualTo(a.get(0).labels());
    }

    @Test
    void resumingAtBatchKGivesTheTailOfTheFullEpoch() {
        DataLoader l = loader(11);
        List<Batch> full = all(l.epoch(4, 0));
        for (int k : new int[] {1, 5, 10}) {
            List<Batch> tail = all(l.epoch(4, k));
            assertThat(tail).hasSize(full.size() - k);
            for (int i = 0; i < tail.size(); i++) {
                assertSameBatch(tail.get(i), full.get(k + i));
            }
        }
        assertThat(all(l.epoch(4, 11))).isEmpty();
        assertThatThrownBy(() -> l.epoch(4, 12)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("first batch 12 is outside [0, 11]");
    }

    @Test
    void lastPartialBatchIsKept() {
        DataLoader l = loader(1);
        assertThat(l.batchesPerEpoch()).isEqualTo(11);
        List<Batch> batches = all(l.epoch(0, 0));
        assertThat(batches).hasSize(11);
        assertThat(batches.subList(0, 10)).allSatisfy(b -> assertThat(b.size()).isEqualTo(10));
        Batch last = batches.get(10);
        assertThat(last.size()).isEqualTo(3);
        assertThat(last.images().shape()).isEqualTo(Shape.of(3, 1, 32, 32));
        // together the batches hold every label once, in the epoch's order
        int[] labels = batches.stream().flatMapToInt(b -> Arrays.stream(b.labels())).toArray();
        int[] expected = Arrays.stream(l.order(0)).map(DATA::label).toArray();
        assertThat(labels).isEqualTo(expected);
    }

    @Test
    void batchesHoldTheResizedImagesScaledToUnitRange() {
        DataLoader l = loader(2);
        int[] order = l.order(0);
        Batch b = l.batch(0, 1);
        assertThat(b.images().shape()).isEqualTo(Shape.of(10, 1, 32, 32));
        float[] data = b.images().toArray();
        for (int i = 0; i < 10; i++) {
            int sample = order[10 + i];
            Tensor one = DATA.image(sample, 32);
            assertThat(Arrays.copyOfRange(data, i * 1024, (i + 1) * 1024)).isEqualTo(one.toArray());
            assertThat(b.labels()[i]).isEqualTo(DATA.label(sample));
        }
        for (float v : data) {
            assertThat(v).isBetween(0f, 1f);
        }
    }

    @Test
    void noShuffleKeepsStoredOrderAndNoResizeKeepsPixels() {
        DataLoader l = DataLoader.builder(DATA).batchSize(4).shuffle(false).build();
        assertThat(l.imageSize()).isEqualTo(28);
        Batch b = l.batch(5, 0);
        assertThat(b.labels()).containsExactly(DATA.label(0), DATA.label(1), DATA.label(2), DATA.label(3));
        byte[] raw = DATA.rawImage(2);
        float[] img = b.images().toArray();
        for (int i = 0; i < raw.length; i++) {
            assertThat(img[2 * 784 + i]).isEqualTo((raw[i] & 0xFF) / 255f);
        }
    }

    @Test
    void limitUsesTheFirstNSamples() {
        DataLoader l = DataLoader.builder(DATA).batchSize(8).limit(20).seed(4).build();
        assertThat(l.size()).isEqualTo(20);
        assertThat(l.batchesPerEpoch()).isEqualTo(3);
        List<Batch> batches = all(l.epoch(0, 0));
        assertThat(batches).extracting(Batch::size).containsExactly(8, 8, 4);
        assertThat(Arrays.stream(l.order(0)).sorted().toArray())
                .isEqualTo(java.util.stream.IntStream.range(0, 20).toArray());
        assertThat(DataLoader.builder(DATA).limit(1000).build().size()).isEqualTo(103);
    }

    @Test
    void singleSampleAccessors() {
        assertThat(DATA.image(4).shape()).isEqualTo(Shape.of(1, 1, 28, 28));
        assertThat(DATA.image(4, 64).shape()).isEqualTo(Shape.of(1, 1, 64, 64));
        assertThat(DATA.rawImage(4)).hasSize(784);
        assertThat(DATA.className(4)).isEqualTo(SmallData.CLASSES.get(DATA.label(4)));
        assertThat(DATA.classNames()).hasSize(10);
        assertThatThrownBy(() -> DATA.image(103)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> DATA.image(0, Resizer.square(32, 64, ResizeMode.PIL)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("resizer takes 32x32");
    }

    @Test
    void workerFailureIsRethrownToTheConsumer() {
        IllegalStateException boom = new IllegalStateException("batch 2 is broken");
        Batch ok = DataLoaderTest.loader(1).batch(0, 0);
        PrefetchingBatchStream s = new PrefetchingBatchStream(i -> {
            if (i == 2) {
                throw boom;
            }
            return ok;
        }, 0, 5, 2, "test-failing");
        assertThat(s.next()).isSameAs(ok);
        assertThat(s.next()).isSameAs(ok);
        assertThatThrownBy(s::next).isSameAs(boom);
        assertThat(s.hasNext()).isFalse();
    }

    @Test
    void closeStopsTheWorkerMidEpoch() throws InterruptedException {
        AtomicInteger made = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(3);
        Batch ok = loader(1).batch(0, 0);
        PrefetchingBatchStream s = new PrefetchingBatchStream(i -> {
            made.incrementAndGet();
            started.countDown();
            return ok;
        }, 0, 1000, 2, "test-close");
        s.next();
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        s.close();
        assertThat(s.workerAlive()).isFalse();
        assertThat(made.get()).isLessThan(10); // the bounded queue held it back; it did not run ahead
        assertThat(s.hasNext()).isFalse();
        assertThatThrownBy(s::next).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void exhaustedStreamSaysSo() {
        DataLoader l = DataLoader.builder(DATA).batchSize(100).build();
        try (BatchStream s = l.epoch(0, 1)) {
            assertThat(s.hasNext()).isTrue();
            assertThat(s.next().size()).isEqualTo(3);
            assertThat(s.hasNext()).isFalse();
            assertThatThrownBy(s::next).isInstanceOf(NoSuchElementException.class);
        }
    }

    @Test
    void batchesArePreparedAheadButNoFurtherThanTheQueueAllows() throws InterruptedException {
        AtomicInteger made = new AtomicInteger();
        Batch ok = loader(1).batch(0, 0);
        try (PrefetchingBatchStream s = new PrefetchingBatchStream(i -> {
            made.incrementAndGet();
            return ok;
        }, 0, 50, 3, "test-ahead")) {
            for (int consumed = 0; consumed < 5; consumed++) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (s.queued() < 3 && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                // while the consumer "trains", the next 3 batches are ready, and the worker holds at most one more
                assertThat(s.queued()).isEqualTo(3);
                assertThat(made.get()).isBetween(consumed + 3, consumed + 4);
                s.next();
            }
        }
    }
}
