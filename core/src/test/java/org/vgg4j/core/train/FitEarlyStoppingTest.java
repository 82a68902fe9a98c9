package org.vgg4j.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.config.EarlyStoppingConfig;
import org.vgg4j.core.config.RunConfig;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Initializer;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.spi.Trainer;
import org.vgg4j.core.testing.ArrayBatchSource;
import org.vgg4j.core.testing.ReferenceBackend;
import org.vgg4j.core.testing.TestData;

/**
 * Early stopping in the training loop, on the reference backend: a run memorising random labels, validated on its
 * own training images, improves its accuracy for some epochs until it stalls, and the rule stops it; a run stopped in the middle (after its best epoch, with epochs since the best already
 * counted), saved, loaded and resumed stops at the same epoch with the same best, metric for metric.
 */
class FitEarlyStoppingTest {
    private static final EarlyStoppingConfig RULE = new EarlyStoppingConfig(2, EarlyStoppingConfig.VAL_LOSS, 0.01);
    private static final int EPOCHS = 40;
    private static final double LR = 1e-2;

    @TempDir
    Path dir;

    private final Network net = TestData.tinyVgg(0);
    private final Tensor images = TestData.images(Shape.of(40, 1, 8, 8), 1);
    private final int[] labels = TestData.labels(40, 10, 2);
    private final ArrayBatchSource train = new ArrayBatchSource(images, labels, 16, 3);
    /** The training images again: the network memorises them, so this accuracy climbs for some epochs, then stalls. */
    private final ArrayBatchSource test = new ArrayBatchSource(images, labels, 16, 6);
    private final FitConfig fitConfig = FitConfig.epochs(EPOCHS).withEarlyStopping(RULE);

    /** Records what the loop reports and, like the CLI's recorder, saves a checkpoint with the history when stopped. */
    private static final class Recorder implements TrainingListener {
        final List<EpochMetrics> history = new ArrayList<>();
        final List<Integer> bests = new ArrayList<>();
        final List<EarlyStopping> stops = new ArrayList<>();
        Fit fit;
        int stopAtStep = -1;
        int steps;

        Recorder(List<EpochMetrics> previous) {
            history.addAll(previous);
        }

        @Override
        public void stepFinished(StepEvent event) {
            if (++steps == stopAtStep) {
                fit.requestStop();
            }
        }

        @Override
        public void epochFinished(EpochMetrics metrics, TrainingPosition next) {
            history.add(metrics);
        }

        @Override
        public void newBest(EpochMetrics metrics, TrainingPosition next, EarlyStopping state) {
            assertThat(state.bestEpoch()).isEqualTo(metrics.epoch());
            bests.add(metrics.epoch());
        }

        @Override
        public void stoppedEarly(EarlyStopping state, TrainingPosition next) {
            stops.add(state);
        }
    }

    private Session open(Parameters p) {
        return new ReferenceBackend().open(net, p, Device.cpu());
    }

    private Parameters initial() {
        return Parameters.initialize(net, Initializer.PYTORCH_DEFAULT, 9);
    }

    @Test
    void stopsWhenTheAccuracyStallsAndAResumedRunStopsAtTheSameEpochWithTheSameBest() {
        // Uninterrupted.
        FitResult full;
        Recorder fullRec = new Recorder(List.of());
        try (Session s = open(initial())) {
            Trainer trainer = s.trainer(TrainingSpec.adam(LR, 1));
            full = new Fit(fitConfig, List.of(fullRec)).run(s, trainer, train, test, TrainingPosition.startOf(0),
                    List.of());
        }
        assertThat(full.finished()).isTrue();
        assertThat(full.stoppedEarly()).as("the accuracy stalls and the run stops").isTrue();
        int stop = full.history().size();
        EarlyStopping end = full.earlyStopping();
        assertThat(stop).isLessThan(EPOCHS).isEqualTo(end.bestEpoch() + RULE.patience());
        assertThat(end.shouldStop()).isTrue();
        assertThat(end.epochsSinceBest()).isEqualTo(RULE.patience());
        assertThat(end.bestValue()).isEqualTo(end.value(full.history().get(end.bestEpoch() - 1)));
        assertThat(fullRec.stops).containsExactly(end);
        assertThat(fullRec.bests).isNotEmpty().startsWith(1).endsWith(end.bestEpoch());
        assertThat(full.end()).isEqualTo(TrainingPosition.startOf(stop));
        assertThat(end.bestEpoch()).as("the best is not the first epoch, so the resume carries a real state")
                .isGreaterThan(1);

        // Stopped one step into the epoch after the best, so one epoch since the best is counted already.
        int stepsPerEpoch = train.batchesPerEpoch();
        CheckpointStore store = new CheckpointStore(dir);
        Recorder partialRec = new Recorder(List.of());
        TrainingPosition[] stoppedAt = new TrainingPosition[1];
        try (Session s = open(initial())) {
            Trainer trainer = s.trainer(TrainingSpec.adam(LR, 1));
            Fit fit = new Fit(fitConfig, List.of(partialRec, new TrainingListener() {
                @Override
                public void stopped(TrainingPosition position) {
                    stoppedAt[0] = position;
                    store.save(CheckpointStore.stoppedName(position), new Checkpoint(RunConfig.reference()
                            .withEarlyStopping(RULE), "reference", position, partialRec.history, s.parameters(),
                            trainer.optimizerState()));
                }
            }));
            partialRec.fit = fit;
            partialRec.stopAtStep = (end.bestEpoch() + 1) * stepsPerEpoch + 1;
            FitResult partial = fit.run(s, trainer, train, test, TrainingPosition.startOf(0), List.of());
            assertThat(partial.finished()).isFalse();
            assertThat(partial.stoppedEarly()).isFalse();
            assertThat(partial.earlyStopping().bestEpoch()).isEqualTo(end.bestEpoch());
            assertThat(partial.earlyStopping().epochsSinceBest()).isEqualTo(1);
        }
        assertThat(stoppedAt[0].epoch()).isEqualTo(end.bestEpoch() + 1);
        assertThat(stoppedAt[0].batch()).isEqualTo(1);

        Checkpoint cp = CheckpointStore.load(dir);
        assertThat(cp.config().training().earlyStopping()).isEqualTo(RULE);
        EarlyStopping restored = EarlyStopping.replay(cp.config().training().earlyStopping(), cp.history());
        assertThat(restored.bestEpoch()).isEqualTo(end.bestEpoch());
        assertThat(restored.bestValue()).isEqualTo(end.bestValue());
        assertThat(restored.epochsSinceBest()).isEqualTo(1);
        FitResult resumed;
        Recorder resumedRec = new Recorder(cp.history());
        try (Session s = open(cp.parameters())) {
            Trainer trainer = s.trainer(TrainingSpec.adam(LR, 1));
            trainer.restoreOptimizerState(cp.optimizer());
            resumed = new Fit(fitConfig, List.of(resumedRec)).run(s, trainer, train, test, cp.position(),
                    cp.history());
        }
        assertThat(resumed.stoppedEarly()).isTrue();
        assertThat(resumed.history()).hasSize(stop);
        assertThat(resumed.earlyStopping()).isEqualTo(end);
        assertThat(resumed.end()).isEqualTo(full.end());
        assertThat(resumedRec.stops).containsExactly(end);
        assertThat(resumedRec.bests).as("no new best after the resume").isEmpty();
        for (int e = 0; e < stop; e++) {
            assertThat(resumed.history().get(e).testLoss()).isEqualTo(full.history().get(e).testLoss());
            assertThat(resumed.history().get(e).testAccuracy()).isEqualTo(full.history().get(e).testAccuracy());
            assertThat(resumed.history().get(e).trainLoss()).isEqualTo(full.history().get(e).trainLoss());
        }

        // Resumed again from the end, the run is over: nothing trains, the result says it stopped early.
        try (Session s = open(cp.parameters())) {
            Recorder again = new Recorder(resumed.history());
            FitResult r = new Fit(fitConfig, List.of(again)).run(s, s.trainer(TrainingSpec.adam(LR, 1)), train,
                    test, resumed.end(), resumed.history());
            assertThat(r.stoppedEarly()).isTrue();
            assertThat(r.earlyStopping()).isEqualTo(end);
            assertThat(again.steps).isZero();
        }
    }

    @Test
    void withoutEarlyStoppingNoBestIsReportedAndEveryEpochRuns() {
        Recorder rec = new Recorder(List.of());
        try (Session s = open(initial())) {
            FitResult r = new Fit(FitConfig.epochs(4), List.of(rec)).run(s, s.trainer(TrainingSpec.adam(LR, 1)),
                    train, test, TrainingPosition.startOf(0), List.of());
            assertThat(r.history()).hasSize(4);
            assertThat(r.stoppedEarly()).isFalse();
            assertThat(r.earlyStopping().config().enabled()).isFalse();
        }
        assertThat(rec.bests).isEmpty();
        assertThat(rec.stops).isEmpty();
    }
}
