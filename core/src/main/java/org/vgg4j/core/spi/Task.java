package org.vgg4j.core.spi;

/**
 * What a backend is chosen for: {@code --backend auto} ranks the backends per task and device kind, because the
 * fastest trainer on a machine need not be its fastest at inference (see {@link BackendProvider#rank}).
 */
public enum Task {
    /** Training steps: forward, backward and the optimizer update ({@link Trainer}). */
    TRAINING,
    /** Eval-mode forward passes only: predict, evaluate, serve, export checks. */
    INFERENCE;

    /**
     * The lower-case word the CLI prints: {@code training}, {@code inference}.
     *
     * @return the task's name in lower case
     */
    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
