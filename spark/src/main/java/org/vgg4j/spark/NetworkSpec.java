package org.vgg4j.spark;

import java.io.Serializable;
import org.vgg4j.core.Network;

/**
 * A network description small enough to ship to every executor: {@link #build()} gives the same {@link Network} in
 * every JVM, and {@link #key()} names it in the per-JVM session cache (equal keys, equal networks).
 */
public interface NetworkSpec extends Serializable {

    /**
     * The network, built afresh in this JVM.
     *
     * @return a new network, equal to the one every other JVM builds from this spec
     */
    Network build();

    /**
     * A stable text naming this network, e.g. {@code vgg11/ratio=4/1x32x32/10}.
     *
     * @return the key; specs with equal keys build equal networks
     */
    String key();
}
