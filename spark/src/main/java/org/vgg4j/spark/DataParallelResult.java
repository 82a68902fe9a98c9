package org.vgg4j.spark;

import java.util.List;
import org.vgg4j.core.optim.OptimizerState;
import org.vgg4j.core.param.Parameters;

/**
 * The outcome of {@link DataParallelTraining#fit}: the final parameters and optimizer state (loadable into any
 * backend, or saved as a checkpoint), the mean training loss of each epoch, the number of optimizer steps each worker
 * saw, how many times weights went out to the workers, and the wall time.
 *
 * @param parameters     final parameters
 * @param optimizerState final optimizer state
 * @param epochLosses    mean training loss per epoch (over every worker's samples)
 * @param steps          optimizer steps (per worker)
 * @param exchanges      rounds of weights sent out and sums brought back
 * @param seconds        wall time of the training loop
 */
public record DataParallelResult(Parameters parameters, OptimizerState optimizerState, List<Double> epochLosses,
        long steps, long exchanges, double seconds) {

    /**
     * Copies the epoch losses into an unmodifiable list.
     *
     * @param parameters     final parameters
     * @param optimizerState final optimizer state
     * @param epochLosses    mean training loss per epoch; not null (copied)
     * @param steps          optimizer steps (per worker), at least 0
     * @param exchanges      rounds of weights sent out and sums brought back, at least 0
     * @param seconds        wall time of the training loop, in seconds
     */
    public DataParallelResult {
        epochLosses = List.copyOf(epochLosses);
    }
}
