package org.vgg4j.backend.onnx;

/**
 * How ONNX Runtime sessions are configured: the number of intra-op threads (one operator split across cores); graph
 * optimizations are always all on ({@code ORT_ENABLE_ALL}: constant folding, node fusions, NCHWc layout transforms).
 *
 * @param intraOpThreads threads per operator, at least 1
 */
public record OnnxRuntimeOptions(int intraOpThreads) {
    /** System property overriding the default thread count. */
    public static final String THREADS_PROPERTY = "vgg4j.onnx.threads";

    public OnnxRuntimeOptions {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("ONNX Runtime needs at least 1 intra-op thread, got " + intraOpThreads);
        }
    }

    /** One thread per available processor, or the value of {@value #THREADS_PROPERTY} when set. */
    public static OnnxRuntimeOptions defaults() {
        String configured = System.getProperty(THREADS_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            try {
                return new OnnxRuntimeOptions(Integer.parseInt(configured.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("-D" + THREADS_PROPERTY + "=" + configured
                        + " is not a number of threads", e);
            }
        }
        return new OnnxRuntimeOptions(Runtime.getRuntime().availableProcessors());
    }
}
