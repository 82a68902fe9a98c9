package org.vgg4j.core.train;

import java.util.Iterator;

/**
 * The batches of one epoch in order; closing it stops any background loading and frees its buffers.
 */
public interface BatchStream extends Iterator<Batch>, AutoCloseable {

    @Override
    void close();
}
