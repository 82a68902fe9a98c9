package org.vgg4j.core.train;

/**
 * How long to train and how to watch the run.
 *
 * @param epochs         total number of epochs of the run (a resumed run continues up to this number)
 * @param plateauSteps   steps after which a loss still at ln(classes) is reported (0: never check)
 * @param stopOnPlateau  stop the run when the plateau is reported, instead of only warning
 */
public record FitConfig(int epochs, int plateauSteps, boolean stopOnPlateau) {

    /**
     * Checks the fields.
     *
     * @param epochs        total epochs of the run, >= 1
     * @param plateauSteps  steps before the plateau check, >= 0 (0: never check)
     * @param stopOnPlateau stop on a plateau instead of only warning
     * @throws IllegalArgumentException if {@code epochs} is below 1 or {@code plateauSteps} is negative
     */
    public FitConfig {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        if (plateauSteps < 0) {
            throw new IllegalArgumentException("plateauSteps must be >= 0, got " + plateauSteps);
        }
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
}
