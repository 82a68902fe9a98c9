package org.vgg4j.core.train;

import org.vgg4j.core.spi.StepResult;

/**
 * Progress after one training step, for progress bars and logs.
 *
 * @param epoch            0-based epoch
 * @param batch            0-based index of the batch just trained
 * @param batchesPerEpoch  batches in the epoch
 * @param step             the step's own loss and accuracy
 * @param runningLoss      mean loss over the epoch so far
 * @param runningAccuracy  accuracy over the epoch so far
 * @param imagesPerSecond  training throughput over the epoch so far
 */
public record StepEvent(int epoch, int batch, int batchesPerEpoch, StepResult step, double runningLoss,
        double runningAccuracy, double imagesPerSecond) {
}
