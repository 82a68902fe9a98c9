package org.vgg4j.cli;

import java.nio.file.Path;
import java.util.List;
import org.vgg4j.core.Network;
import org.vgg4j.core.config.RunConfig;
import org.vgg4j.core.optim.OptimizerState;
import org.vgg4j.core.testing.TestData;
import org.vgg4j.core.train.Checkpoint;
import org.vgg4j.core.train.CheckpointStore;
import org.vgg4j.core.train.TrainingPosition;
import org.vgg4j.models.vgg.Vgg;
import org.vgg4j.models.vgg.VggConfig;
import org.vgg4j.models.vgg.VggVariant;

/**
 * Untrained checkpoints for CLI tests: the narrow VGG-11 (ratio 8) at 32x32, saved as a run's first epoch, with
 * He-scaled weights ({@code N(0, 2 / fan_in)}, biases in [-0.1, 0.1)) so that its probabilities move visibly with the
 * input (the standard initialisations shrink these logits to about 1e-4, where any two inputs print alike).
 */
final class TestCheckpoints {
    private TestCheckpoints() {
    }

    /** Saves {@code run/checkpoints/epoch-001.*} for a Fashion-MNIST model with {@code inChannels} input channels. */
    static Path save(Path run, int inChannels) {
        VggConfig config = VggConfig.d2l(VggVariant.VGG11).withRatio(8).withImageSize(32).withInChannels(inChannels);
        Network net = Vgg.build(config);
        RunConfig ref = RunConfig.reference();
        RunConfig runConfig = new RunConfig(config.toModelConfig(), ref.data(), ref.optimizer(), ref.training());
        return new CheckpointStore(run.resolve("checkpoints")).save("epoch-001", new Checkpoint(runConfig, "pytorch",
                TrainingPosition.startOf(1), List.of(), TestData.unitScale(net, 1), OptimizerState.initial()));
    }
}
