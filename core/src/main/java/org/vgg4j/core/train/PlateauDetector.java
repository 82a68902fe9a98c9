package org.vgg4j.core.train;

import java.util.Locale;

/**
 * Notices a run whose loss stays at ln(classes), the loss of a network that predicts the uniform distribution: after
 * {@code afterSteps} steps it compares the mean loss of the last {@code window} steps with ln(classes).
 */
public final class PlateauDetector {
    private final int afterSteps;
    private final int window;
    private final double plateauLoss;
    private final double tolerance;
    private final double[] recent;
    private long steps;
    private boolean reported;

    /**
     * @param classes    number of classes (the plateau is ln(classes))
     * @param afterSteps how many steps to wait before judging (0 disables the detector)
     * @param window     how many recent steps to average
     * @param tolerance  how close to ln(classes) counts as stuck
     */
    public PlateauDetector(int classes, int afterSteps, int window, double tolerance) {
        if (window < 1 || afterSteps < 0) {
            throw new IllegalArgumentException("window must be >= 1 and afterSteps >= 0");
        }
        this.afterSteps = afterSteps;
        this.window = window;
        this.plateauLoss = Math.log(classes);
        this.tolerance = tolerance;
        this.recent = new double[window];
    }

    /**
     * The defaults used by {@code vgg4j train}: judge once after 300 steps over the last 100, within 0.02.
     *
     * @param classes number of classes, >= 2
     * @return a new detector with no steps recorded
     */
    public static PlateauDetector standard(int classes) {
        return new PlateauDetector(classes, 300, 100, 0.02);
    }

    /**
     * Records a step's loss; returns a message for the user exactly once, at step {@code afterSteps}, if the run is
     * stuck, else null.
     *
     * @param loss the step's mean training loss
     * @return the warning text, or null (always null after it was returned once)
     */
    public String record(double loss) {
        recent[(int) (steps % window)] = loss;
        steps++;
        if (reported || afterSteps == 0 || steps != Math.max(afterSteps, window)) {
            return null;
        }
        double mean = 0;
        for (double l : recent) {
            mean += l;
        }
        mean /= window;
        if (Math.abs(mean - plateauLoss) > tolerance) {
            return null;
        }
        reported = true;
        return String.format(Locale.ROOT, "the loss has stayed at ln(classes) = %.3f for the first %d steps "
                + "(mean of the last %d: %.4f): the network predicts the uniform distribution and is not learning. "
                + "PyTorch's default initialisation can leave narrow VGGs on this plateau for a whole epoch; "
                + "use --init torchvision (the default), a lower --lr, or another --seed.",
                plateauLoss, steps, window, mean);
    }
}
