package org.vgg4j.cli;

import java.nio.file.Path;
import java.util.List;
import org.vgg4j.core.ErrorText;
import org.vgg4j.core.Network;
import org.vgg4j.core.Vgg4jException;
import org.vgg4j.core.param.ParameterMismatchException;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.param.SafeTensors;
import org.vgg4j.core.config.RunConfig;
import org.vgg4j.core.optim.OptimizerState;
import org.vgg4j.core.train.TrainingPosition;
import org.vgg4j.core.train.Checkpoint;
import org.vgg4j.core.train.CheckpointStore;
import org.vgg4j.datasets.FashionMnist;
import org.vgg4j.datasets.Mnist;
import org.vgg4j.models.vgg.Vgg;
import org.vgg4j.models.vgg.VggConfig;

/**
 * A trained model loaded from a checkpoint: the network rebuilt from its configuration, its parameters (checked against
 * the network), its class names and where it came from.
 *
 * @param config     the VGG configuration
 * @param network    the network
 * @param parameters its parameters
 * @param classNames one name per class
 * @param checkpoint the checkpoint it came from
 * @param source     the path given by the user
 */
record TrainedModel(VggConfig config, Network network, Parameters parameters, List<String> classNames,
        Checkpoint checkpoint, Path source) {

    static TrainedModel load(Path path) {
        Checkpoint cp = CheckpointStore.load(path);
        VggConfig config;
        Network network;
        try {
            config = VggConfig.from(cp.config().model());
            network = Vgg.build(config);
        } catch (IllegalArgumentException | ArithmeticException e) {
            // the checkpoint's configuration, not the command line, is wrong: a failure (1), not a usage error (2)
            throw new Vgg4jException("checkpoint " + path + " holds a model configuration vgg4j cannot build: "
                    + ErrorText.quote(e.getMessage()), e);
        }
        Parameters params;
        try {
            params = cp.parameters().conformTo(network);
        } catch (ParameterMismatchException e) {
            throw new Vgg4jException("checkpoint " + path + ": " + e.getMessage(), e);
        }
        String dataset = cp.config().data().dataset();
        List<String> names = cp.config().data().fromFolder() ? cp.config().data().classNames()
                : dataset.equals("mnist") ? Mnist.CLASS_NAMES : FashionMnist.CLASS_NAMES;
        if (names.size() != network.numClasses()) {
            names = org.vgg4j.onnx.ExportMetadata.defaultClassNames(network.numClasses());
        }
        return new TrainedModel(config, network, params, names, cp, path);
    }

    /** This model with {@code names} for its classes. */
    TrainedModel withClassNames(List<String> names) {
        return new TrainedModel(config, network, parameters, List.copyOf(names), checkpoint, source);
    }

    /**
     * A bare {@code state_dict} saved as safetensors (for instance by {@code safetensors.torch.save_file(
     * model.state_dict(), file)}), for the network {@code config} describes. Nothing records its training data, so its
     * checkpoint stands in with the reference run's data set and its classes are named {@code 0..K-1}.
     *
     * @throws Vgg4jException naming the file and every missing, unexpected or misshaped tensor (expected vs actual)
     */
    static TrainedModel fromStateDict(Path file, VggConfig config) {
        Network network = ModelOptions.buildable(Vgg.build(config));
        Parameters params;
        try {
            params = SafeTensors.read(file).tensors().conformTo(network);
        } catch (ParameterMismatchException e) {
            throw new Vgg4jException("state dict " + file + " does not fit the model options (--model, --layout, "
                    + "--ratio, --in-channels, --image-size, --hidden, --classes): " + e.getMessage(), e);
        }
        RunConfig ref = RunConfig.reference();
        RunConfig run = new RunConfig(config.toModelConfig(), ref.data(), ref.optimizer(), ref.training());
        Checkpoint cp = new Checkpoint(run, "state-dict", TrainingPosition.startOf(1), List.of(), params,
                OptimizerState.initial());
        return new TrainedModel(config, network, params,
                org.vgg4j.onnx.ExportMetadata.defaultClassNames(network.numClasses()), cp, file);
    }
}
