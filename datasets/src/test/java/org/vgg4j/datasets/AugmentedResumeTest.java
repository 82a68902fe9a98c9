package org.vgg4j.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.config.DataConfig;
import org.vgg4j.core.config.RunConfig;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Initializer;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.spi.Trainer;
import org.vgg4j.core.testing.ReferenceBackend;
import org.vgg4j.core.testing.TestData;
import org.vgg4j.core.train.Checkpoint;
import org.vgg4j.core.train.CheckpointStore;
import org.vgg4j.core.train.EpochMetrics;
import org.vgg4j.core.train.Fit;
import org.vgg4j.core.train.FitConfig;
import org.vgg4j.core.train.FitResult;
import org.vgg4j.core.train.StepEvent;
import org.vgg4j.core.train.TrainingListener;
import org.vgg4j.core.train.TrainingPosition;
import org.vgg4j.datasets.transform.Augmentation;

/**
 * With augmentation on, a run stopped mid-epoch, checkpointed and resumed (a new loader, a new session) ends with
 * exactly the metrics and weights of an uninterrupted run, as {@code FitTest} shows without augmentation; and the
 * augmentation is really in effect (the run differs from one without it).
 */
class AugmentedResumeTest {
    @TempDir
    Path dir;

    private final Network net = TestData.tinyVgg(0.3);
    private final ImageDataset trainSet = SmallData.dataset(40, 28, 28, 21);
    private final ImageDataset testSet = SmallData.dataset(20, 28, 28, 22);

    private DataLoader train(String augment, Integer padding) {
        return DataLoader.builder(trainSet).batchSize(16).imageSize(8).seed(5).augmentation(
                Augmentation.of(DataConfig.reference().withAugmentation(augment, padding), 8)).build();
    }

    private DataLoader test() {
        return DataLoader.builder(testSet).batchSize(16).imageSize(8).shuffle(false).build();
    }

    private Session open(Parameters p) {
        return new ReferenceBackend().open(net, p, Device.cpu());
    }

    private Parameters initial() {
        return Parameters.initialize(net, Initializer.PYTORCH_DEFAULT, 9);
    }

    private record Outcome(List<EpochMetrics> history, Parameters params) {
    }

    private Outcome uninterrupted(String augment, Integer padding) {
        try (Session s = open(initial())) {
            FitResult r = new Fit(FitConfig.epochs(2), List.of()).run(s, s.trainer(TrainingSpec.adam(1e-2, 1)),
                    train(augment, padding), test(), TrainingPosition.startOf(0), List.of());
            return new Outcome(r.history(), s.parameters());
        }
    }

    @Test
    void aRunStoppedMidEpochAndResumedEndsBitIdentical() {
        for (String augment : List.of("crop,flip", "resized-crop,flip")) {
            Integer padding = augment.startsWith("crop") ? 2 : null;
            Outcome full = uninterrupted(augment, padding);
            Path store = dir.resolve(augment.replace(',', '-'));
            CheckpointStore checkpoints = new CheckpointStore(store);
            try (Session s = open(initial())) {
                Trainer trainer = s.trainer(TrainingSpec.adam(1e-2, 1));
                Fit[] fit = new Fit[1];
                TrainingListener stopAfterFourSteps = new TrainingListener() {
                    int n;

                    @Override
                    public void stepFinished(StepEvent event) {
                        if (++n == 4) {
                            fit[0].requestStop();
                        }
                    }

                    @Override
                    public void stopped(TrainingPosition position) {
                        checkpoints.save(CheckpointStore.stoppedName(position), new Checkpoint(RunConfig.reference(),
                                "reference", position, List.of(), s.parameters(), trainer.optimizerState()));
                    }
                };
                fit[0] = new Fit(FitConfig.epochs(2), List.of(stopAfterFourSteps));
                FitResult partial = fit[0].run(s, trainer, train(augment, padding), test(),
                        TrainingPosition.startOf(0), List.of());
                assertThat(partial.finished()).isFalse();
                assertThat(partial.end().epoch()).isEqualTo(1);
                assertThat(partial.end().batch()).isEqualTo(1);
            }
            Checkpoint cp = CheckpointStore.load(store);
            try (Session s = open(cp.parameters())) {
                Trainer trainer = s.trainer(TrainingSpec.adam(1e-2, 1));
                trainer.restoreOptimizerState(cp.optimizer());
                FitResult resumed = new Fit(FitConfig.epochs(2), List.of()).run(s, trainer, train(augment, padding),
                        test(), cp.position(), full.history().subList(0, 1));
                assertThat(resumed.finished()).isTrue();
                EpochMetrics a = full.history().get(1);
                EpochMetrics b = resumed.history().get(1);
                assertThat(b.trainLoss()).as(augment).isEqualTo(a.trainLoss());
                assertThat(b.trainAccuracy()).as(augment).isEqualTo(a.trainAccuracy());
                assertThat(b.testAccuracy()).as(augment).isEqualTo(a.testAccuracy());
                assertThat(b.testLoss()).as(augment).isEqualTo(a.testLoss());
                assertThat(s.parameters().maxAbsDiff(full.params())).as(augment).isZero();
            }
            Outcome plain = uninterrupted(DataConfig.AUGMENT_NONE, null);
            assertThat(plain.params().maxAbsDiff(full.params())).as(augment + " is in effect").isPositive();
        }
    }
}
