package org.vgg4j.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Vgg4jException;
import org.vgg4j.core.config.RunConfig;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Initializer;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.spi.Trainer;
import org.vgg4j.core.testing.ArrayBatchSource;
import org.vgg4j.core.testing.ReferenceBackend;
import org.vgg4j.core.testing.TestData;

class FitTest {
    @TempDir
    Path dir;

    private final Network net = TestData.tinyVgg(0);
    private final ArrayBatchSource train = new ArrayBatchSource(TestData.images(Shape.of(40, 1, 8, 8), 1),
            TestData.labels(40, 10, 2), 16, 3);
    private final ArrayBatchSource test = new ArrayBatchSource(TestData.images(Shape.of(20, 1, 8, 8), 4),
            TestData.labels(20, 10, 5), 16, 6);

    private Session open() {
        return new ReferenceBackend().open(net, Parameters.initialize(net, Initializer.PYTORCH_DEFAULT, 9),
                Device.cpu());
    }

    @Test
    void runsEveryEpochAndReportsEveryStepAndEpoch() {
        List<StepEvent> steps = new ArrayList<>();
        List<EpochMetrics> epochs = new ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void stepFinished(StepEvent event) {
                steps.add(event);
            }

            @Override
            public void epochFinished(EpochMetrics metrics, TrainingPosition next) {
                epochs.add(metrics);
            }
        };
        try (Session s = open()) {
            FitResult r = new Fit(FitConfig.epochs(3), List.of(listener))
                    .run(s, s.trainer(TrainingSpec.adam(1e-2, 1)), train, test, TrainingPosition.startOf(0), List.of());
            assertThat(r.finished()).isTrue();
            assertThat(r.history()).hasSize(3).isEqualTo(epochs);
            assertThat(steps).hasSize(9);
            assertThat(steps.get(2).batch()).isEqualTo(2);
            assertThat(steps.get(2).step().count()).isEqualTo(8);
            assertThat(r.history().get(0).images()).isEqualTo(40);
            assertThat(r.history().get(2).trainLoss()).isLessThan(r.history().get(0).trainLoss());
            assertThat(r.history().get(0).testAccuracy()).isBetween(0.0, 1.0);
            assertThat(r.history().get(0).summaryLine()).matches(
                    "epoch 1, loss \\d\\.\\d{4}, train acc \\d\\.\\d{3}, test acc \\d\\.\\d{3}, time \\d+\\.\\d sec");
        }
    }

    @Test
    void aStoppedRunResumedFromItsCheckpointEndsExactlyLikeAnUninterruptedOne() {
        List<EpochMetrics> full;
        Parameters fullParams;
        try (Session s = open()) {
            full = new Fit(FitConfig.epochs(2), List.of()).run(s, s.trainer(TrainingSpec.adam(1e-2, 1)), train, test,
                    TrainingPosition.startOf(0), List.of()).history();
            fullParams = s.parameters();
        }
        CheckpointStore store = new CheckpointStore(dir);
        try (Session s = open()) {
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
                    store.save(CheckpointStore.stoppedName(position), new Checkpoint(RunConfig.reference(), "reference", position,
                            List.of(), s.parameters(), trainer.optimizerState()));
                }
            };
            fit[0] = new Fit(FitConfig.epochs(2), List.of(stopAfterFourSteps));
            FitResult partial = fit[0].run(s, trainer, train, test, TrainingPosition.startOf(0), List.of());
            assertThat(partial.finished()).isFalse();
            assertThat(partial.end().epoch()).isEqualTo(1);
            assertThat(partial.end().batch()).isEqualTo(1);
            assertThat(partial.history()).hasSize(1);
        }
        Checkpoint cp = CheckpointStore.load(dir);
        assertThat(cp.position().batch()).isEqualTo(1);
        assertThat(cp.optimizer().step()).isEqualTo(4);
        try (Session s = new ReferenceBackend().open(net, cp.parameters(), Device.cpu())) {
            Trainer trainer = s.trainer(TrainingSpec.adam(1e-2, 1));
            trainer.restoreOptimizerState(cp.optimizer());
            FitResult resumed = new Fit(FitConfig.epochs(2), List.of()).run(s, trainer, train, test, cp.position(),
                    full.subList(0, 1));
            assertThat(resumed.finished()).isTrue();
            assertThat(resumed.history().get(1).trainLoss()).isCloseTo(full.get(1).trainLoss(),
                    org.assertj.core.data.Offset.offset(1e-9));
            assertThat(resumed.history().get(1).testAccuracy()).isEqualTo(full.get(1).testAccuracy());
            assertThat(s.parameters().maxAbsDiff(fullParams)).isZero();
        }
    }

    @Test
    void checkpointsRoundTripAndCorruptionIsDetected() throws Exception {
        Parameters p = Parameters.initialize(net, Initializer.TORCHVISION_VGG, 1);
        var state = new org.vgg4j.core.optim.OptimizerState(7, Map.of("exp_avg", p, "exp_avg_sq", p));
        EpochMetrics m = new EpochMetrics(1, 0.5, 0.8, Double.NaN, Double.NaN, 1.5, 40);
        CheckpointStore store = new CheckpointStore(dir);
        Path json = store.save("epoch-001", new Checkpoint(RunConfig.reference(), "reference",
                TrainingPosition.startOf(1), List.of(m), p, state));
        Checkpoint back = CheckpointStore.load(json);
        assertThat(back.config()).isEqualTo(RunConfig.reference());
        assertThat(back.history()).hasSize(1);
        assertThat(back.history().get(0).testLoss()).isNaN();
        assertThat(back.parameters().maxAbsDiff(p)).isZero();
        assertThat(back.optimizer().step()).isEqualTo(7);
        assertThat(back.optimizer().slots().get("exp_avg_sq").maxAbsDiff(p)).isZero();
        assertThat(CheckpointStore.load(dir.resolve("epoch-001.safetensors")).position().epoch()).isEqualTo(1);

        byte[] bytes = Files.readAllBytes(dir.resolve("epoch-001.safetensors"));
        bytes[bytes.length - 1] ^= 1;
        Files.write(dir.resolve("epoch-001.safetensors"), bytes);
        assertThatThrownBy(() -> CheckpointStore.load(json)).isInstanceOf(Vgg4jException.class)
                .hasMessageContaining("corrupt").hasMessageContaining("epoch-001.safetensors");
        bytes[bytes.length - 1] ^= 1;
        Files.write(dir.resolve("epoch-001.safetensors"), bytes);
        Files.delete(dir.resolve("epoch-001.optim.safetensors"));
        assertThatThrownBy(() -> CheckpointStore.load(json)).hasMessageContaining("missing");
        Files.writeString(dir.resolve("junk.json"), "{not json");
        assertThatThrownBy(() -> CheckpointStore.load(dir.resolve("junk.json")))
                .hasMessageContaining("junk.json").hasMessageContaining("not a valid vgg4j checkpoint");
        assertThatThrownBy(() -> CheckpointStore.load(dir.resolve("nothing.json"))).hasMessageContaining("does not exist");
    }

    @Test
    void plateauIsReportedOnceWhenTheLossStaysAtLnClasses() {
        PlateauDetector stuck = PlateauDetector.standard(10);
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            String m = stuck.record(Math.log(10) + (i % 2 == 0 ? 0.005 : -0.004));
            if (m != null) {
                messages.add(m);
                assertThat(i).isEqualTo(299);
            }
        }
        assertThat(messages).singleElement().asString().contains("2.303").contains("--init torchvision");
        PlateauDetector learning = PlateauDetector.standard(10);
        for (int i = 0; i < 400; i++) {
            assertThat(learning.record(2.3 * Math.exp(-i / 100.0))).isNull();
        }
    }
}
