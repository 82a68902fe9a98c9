package org.vgg4j.backend.tensorflow;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Tensor;

/**
 * Named TensorFlow tensors that outlive a session run (parameters, running statistics, optimizer slots), each owned by
 * the run {@link org.tensorflow.Result} (or the single tensor) it came from: a result is closed when the store no
 * longer refers to any of its tensors, so replacing every entry after a step frees the previous step's memory. Not
 * thread-safe.
 */
final class TensorStore implements AutoCloseable {

    /** A closeable that some entries share, closed when the last of them is replaced. */
    static final class Owner {
        private final AutoCloseable resource;
        private int refs = 1;

        private Owner(AutoCloseable resource) {
            this.resource = resource;
        }

        /** Drops the creator's reference: call after putting the tensors to keep. */
        void release() {
            if (--refs == 0) {
                try {
                    resource.close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing TensorFlow tensors failed: " + e.getMessage(), e);
                }
            }
        }
    }

    private record Entry(Tensor tensor, Owner owner) {
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    /** An owner for {@code resource} holding one reference, the caller's, which it gives up with {@link Owner#release}. */
    static Owner own(AutoCloseable resource) {
        return new Owner(resource);
    }

    /** Stores {@code tensor}, which {@code owner} frees, under {@code name}, releasing the tensor it replaces. */
    void put(String name, Tensor tensor, Owner owner) {
        owner.refs++;
        Entry old = entries.put(name, new Entry(tensor, owner));
        if (old != null) {
            old.owner.release();
        }
    }

    /** Stores a tensor that nothing else owns; the store closes it when it is replaced. */
    void put(String name, Tensor tensor) {
        Owner owner = own(tensor);
        put(name, tensor, owner);
        owner.release();
    }

    Tensor get(String name) {
        Entry e = entries.get(name);
        return e == null ? null : e.tensor;
    }

    boolean contains(String name) {
        return entries.containsKey(name);
    }

    /** The number of tensors held. */
    int size() {
        return entries.size();
    }

    List<String> names() {
        return List.copyOf(entries.keySet());
    }

    /** Releases every tensor. */
    void clear() {
        List<Entry> all = List.copyOf(entries.values());
        entries.clear();
        all.forEach(e -> e.owner.release());
    }

    @Override
    public void close() {
        clear();
    }
}
