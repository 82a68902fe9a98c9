package org.vgg4j.backend.onnx;

/**
 * How ONNX Runtime sessions are configured: the number of intra-op threads (one operator split across cores) and the
 * channel block that CPU sessions pad convolutions to ({@link NchwcPadding}); graph optimizations are always all on
 * ({@code ORT_ENABLE_ALL}: constant folding, node fusions, NCHWc layout transforms).
 *
 * <p>{@code spinning} is ONNX Runtime's {@code session.intra_op.allow_spinning}: its worker threads busy-wait for the
 * next parallel section instead of sleeping. That is its default and the fastest for back-to-back calls on otherwise
 * idle cores; a server whose HTTP threads need the same cores between calls is better off with it off.
 *
 * @param intraOpThreads threads per operator, at least 1
 * @param nchwcBlock     channel block of {@link NchwcPadding} for CPU sessions; 0 (or 1) leaves models as they are
 * @param spinning       whether idle intra-op worker threads spin (ONNX Runtime's default) rather than sleep
 */
public record OnnxRuntimeOptions(int intraOpThreads, int nchwcBlock, boolean spinning) {
    /** System property overriding the default thread count. */
    public static final String THREADS_PROPERTY = "vgg4j.onnx.threads";
    /** System property overriding the default channel block ({@code 0} turns the padding off). */
    public static final String NCHWC_BLOCK_PROPERTY = "vgg4j.onnx.nchwcBlock";
    /** System property turning the worker threads' spinning off ({@code false}) or on ({@code true}, the default). */
    public static final String SPINNING_PROPERTY = "vgg4j.onnx.spinning";

    /**
     * Checks the options.
     *
     * @param intraOpThreads threads per operator, at least 1
     * @param nchwcBlock     channel block for CPU sessions, at least 0 (0 or 1: no padding)
     * @param spinning       whether idle intra-op worker threads spin rather than sleep
     * @throws IllegalArgumentException if {@code intraOpThreads < 1} or {@code nchwcBlock < 0}
     */
    public OnnxRuntimeOptions {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("ONNX Runtime needs at least 1 intra-op thread, got " + intraOpThreads);
        }
        if (nchwcBlock < 0) {
            throw new IllegalArgumentException("the NCHWc channel block must be >= 0 (0 turns padding off), got "
                    + nchwcBlock);
        }
    }

    /**
     * Options with ONNX Runtime's default of spinning worker threads.
     *
     * @param intraOpThreads threads per operator, at least 1
     * @param nchwcBlock     channel block for CPU sessions, at least 0 (0 or 1: no padding)
     * @throws IllegalArgumentException if {@code intraOpThreads < 1} or {@code nchwcBlock < 0}
     */
    public OnnxRuntimeOptions(int intraOpThreads, int nchwcBlock) {
        this(intraOpThreads, nchwcBlock, true);
    }

    /**
     * One thread per available processor and this CPU's NCHWc block ({@link NchwcPadding#cpuBlock()}), or the values
     * of {@value #THREADS_PROPERTY} and {@value #NCHWC_BLOCK_PROPERTY} when set; spinning worker threads unless
     * {@value #SPINNING_PROPERTY} is {@code false}.
     *
     * @return options from the system properties, falling back to this machine's processors and CPU block
     * @throws IllegalArgumentException if a property is set but is not a non-negative integer (or, for spinning,
     *                                  {@code true} or {@code false}), or sets 0 threads
     */
    public static OnnxRuntimeOptions defaults() {
        int threads = intProperty(THREADS_PROPERTY, "a number of threads");
        int block = intProperty(NCHWC_BLOCK_PROPERTY, "a number of channels (0 turns padding off)");
        return new OnnxRuntimeOptions(threads >= 0 ? threads : Runtime.getRuntime().availableProcessors(),
                block >= 0 ? block : NchwcPadding.cpuBlock(), spinningProperty());
    }

    private static boolean spinningProperty() {
        String configured = System.getProperty(SPINNING_PROPERTY);
        if (configured == null || configured.isBlank()) {
            return true;
        }
        return switch (configured.trim()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("-D" + SPINNING_PROPERTY + "=" + configured
                    + " is not true or false");
        };
    }

    /** The property's value, or -1 when it is not set. */
    private static int intProperty(String name, String what) {
        String configured = System.getProperty(name);
        if (configured == null || configured.isBlank()) {
            return -1;
        }
        int value;
        try {
            value = Integer.parseInt(configured.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + name + "=" + configured + " is not " + what, e);
        }
        if (value < 0) {
            throw new IllegalArgumentException("-D" + name + "=" + configured + " is not " + what);
        }
        return value;
    }
}
