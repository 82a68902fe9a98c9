package org.vgg4j.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.vgg4j.core.Network;

/**
 * What an exported ONNX model says about itself beyond its graph: the model's name and configuration, its class names
 * (one per output logit, in order), and the backend and run that trained it; empty strings mean "not known".
 *
 * <p>The exporter adds what it can compute itself (producer and version, parameter digest and count, omitted dropout
 * layers); {@code org.vgg4j.backend.onnx.OnnxModelInfo} (in {@code backend-onnx}) reads all of it back.
 *
 * @param modelName       short model name, e.g. {@code vgg11-r8}
 * @param config          free-form configuration string, e.g. the model's {@code VggConfig} as text
 * @param classNames      one name per output class, in logit order
 * @param trainingBackend the backend that trained the parameters, e.g. {@code pytorch}; empty if unknown
 * @param runId           the training run the parameters come from; empty if unknown
 */
public record ExportMetadata(String modelName, String config, List<String> classNames, String trainingBackend,
        String runId) {

    public ExportMetadata {
        modelName = Objects.requireNonNullElse(modelName, "");
        config = Objects.requireNonNullElse(config, "");
        classNames = List.copyOf(Objects.requireNonNull(classNames, "classNames"));
        trainingBackend = Objects.requireNonNullElse(trainingBackend, "");
        runId = Objects.requireNonNullElse(runId, "");
    }

    /** Metadata for {@code network}: its name, no configuration, classes named {@code 0..K-1}, training unknown. */
    public static ExportMetadata forNetwork(Network network) {
        return new ExportMetadata(network.name(), "", defaultClassNames(network.numClasses()), "", "");
    }

    /** The class names {@code "0", "1", ..., "K-1"}, used when a model has no names of its own. */
    public static List<String> defaultClassNames(int classes) {
        List<String> names = new ArrayList<>(classes);
        for (int i = 0; i < classes; i++) {
            names.add(Integer.toString(i));
        }
        return List.copyOf(names);
    }

    public ExportMetadata withModelName(String name) {
        return new ExportMetadata(name, config, classNames, trainingBackend, runId);
    }

    public ExportMetadata withConfig(String newConfig) {
        return new ExportMetadata(modelName, newConfig, classNames, trainingBackend, runId);
    }

    public ExportMetadata withClassNames(List<String> names) {
        return new ExportMetadata(modelName, config, names, trainingBackend, runId);
    }

    /** This metadata recording that {@code backend} trained the parameters in run {@code run}. */
    public ExportMetadata withTraining(String backend, String run) {
        return new ExportMetadata(modelName, config, classNames, backend, run);
    }
}
