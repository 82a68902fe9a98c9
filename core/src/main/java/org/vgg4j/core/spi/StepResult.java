package org.vgg4j.core.spi;

/**
 * The outcome of one training step: the batch's mean loss and how many of its samples the forward pass classified
 * correctly (before the update).
 *
 * @param loss    mean loss over the batch
 * @param correct samples whose arg-max logit equals the label
 * @param count   samples in the batch
 */
public record StepResult(double loss, int correct, int count) {

    /**
     * The fraction of the batch classified correctly.
     *
     * @return {@code correct / count} in [0, 1]; 0 for an empty batch
     */
    public double accuracy() {
        return count == 0 ? 0 : (double) correct / count;
    }
}
