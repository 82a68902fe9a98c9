package org.vgg4j.core.train;

import java.util.Objects;
import org.vgg4j.core.config.EarlyStoppingConfig;

/**
 * How long to train and how to watch the run.
 *
 * @param epochs         total number of epochs of the run (a resumed run continues up to this number)
 * @param plateauSteps   steps after which a loss still at ln(classes) is reported (0: never check)
 * @param stopOnPlateau  stop the run when the plateau is reported, instead of only warning
 * @param earlyStopping  when to end the run before {@code epochs} (see {@link EarlyStopping})
 */
public record FitConfig(int epochs, int plateauSteps, boolean stopOnPlateau, EarlyStoppingConfig earlyStopping) {

    /**
     * Checks the fields.
     *
     * @param epochs        total epochs of the run, >= 1
     * @param plateauSteps  steps before the plateau check, >= 0 (0: never check)
     * @param stopOnPlateau stop on a plateau instead of only warning
     * @param earlyStopping when to end the run early, not null
     * @throws IllegalArgumentException if {@code epochs} is below 1 or {@code plateauSteps} is negative
     * @throws NullPointerException     if {@code earlyStopping} is null
     */
    public FitConfig {
        Objects.requireNonNull(earlyStopping, "earlyStopping");
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        if (plateauSteps < 0) {
            throw new IllegalArgumentException("plateauSteps must be >= 0, got " + plateauSteps);
        }
    }

    /**
     * Without early stopping.
     *
     * @param epochs        total epochs of the run, >= 1
     * @param plateauSteps  steps before the plateau check, >= 0 (0: never check)
     * @param stopOnPlateau stop on a plateau instead of only warning
     * @throws IllegalArgumentException if {@code epochs} is below 1 or {@code plateauSteps} is negative
     */
    public FitConfig(int epochs, int plateauSteps, boolean stopOnPlateau) {
        this(epochs, plateauSteps, stopOnPlateau, EarlyStoppingConfig.off());
    }

    /**
     * {@code epochs} epochs, plateau check after 300 steps, warn only.
     *
     * @param epochs total epochs of the run, >= 1
     * @return the configuration {@code vgg4j train} uses by default
     * @throws IllegalArgumentException if {@code epochs} is below 1
     */
    public static FitConfig epochs(int epochs) {
        return new FitConfig(epochs, 300, false);
    }

    /**
     * The same with early stopping.
     *
     * @param stopping when to end the run early, not null
     * @return a copy differing only in {@code earlyStopping}
     */
    public FitConfig withEarlyStopping(EarlyStoppingConfig stopping) {
        return new FitConfig(epochs, plateauSteps, stopOnPlateau, stopping);
    }
}
