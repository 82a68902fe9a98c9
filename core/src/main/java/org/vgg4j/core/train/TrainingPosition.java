package org.vgg4j.core.train;

/**
 * Where a run stands, precisely enough to resume it: the epoch under way, the next batch to train, the epoch's
 * running sums so far, and the wall time already spent in it.
 *
 * @param epoch          0-based index of the epoch under way
 * @param batch          index of the next batch of that epoch
 * @param lossSum        sum over the epoch's samples so far of their loss
 * @param correct        training samples so far classified correctly
 * @param seen           training samples so far
 * @param elapsedSeconds wall time already spent in this epoch
 */
public record TrainingPosition(int epoch, int batch, double lossSum, long correct, long seen, double elapsedSeconds) {

    /**
     * The start of epoch {@code epoch}.
     *
     * @param epoch 0-based epoch index
     * @return batch 0 with zero sums and elapsed time
     */
    public static TrainingPosition startOf(int epoch) {
        return new TrainingPosition(epoch, 0, 0, 0, 0, 0);
    }

    /**
     * True at the start of an epoch (nothing of it trained yet).
     *
     * @return whether {@link #batch} is 0
     */
    public boolean atEpochStart() {
        return batch == 0;
    }
}
