package org.vgg4j.core.spi;

/**
 * What a backend can do, so that callers and the cross-backend suite can skip what it cannot with a stated reason.
 *
 * @param training          true if sessions offer a {@link Trainer}
 * @param gpu               true if this build can run on a GPU (natives with CUDA support present)
 * @param engine            the engine and its version, e.g. {@code DJL 0.36.0 / libtorch 2.7.1 (cpu)}
 * @param limitations       what it cannot do and why, empty if nothing
 */
public record Capabilities(boolean training, boolean gpu, String engine, String limitations) {
}
