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

    /**
     * Normalises the components: a null {@code modelName}, {@code config}, {@code trainingBackend} or {@code runId}
     * becomes the empty string ("not known"), and {@code classNames} is copied into an unmodifiable list.
     *
     * @param modelName       short model name; null means unknown
     * @param config          free-form configuration text; null means none
     * @param classNames      one name per output class, in logit order; not null and without null elements
     * @param trainingBackend the backend that trained the parameters; null means unknown
     * @param runId           the training run the parameters come from; null means unknown
     * @throws NullPointerException if {@code classNames} or one of its elements is null
     */
    public ExportMetadata {
        modelName = Objects.requireNonNullElse(modelName, "");
        config = Objects.requireNonNullElse(config, "");
        classNames = List.copyOf(Objects.requireNonNull(classNames, "classNames"));
        trainingBackend = Objects.requireNonNullElse(trainingBackend, "");
        runId = Objects.requireNonNullElse(runId, "");
    }

    /**
     * Metadata for {@code network}: its name, no configuration, classes named {@code 0..K-1}, training unknown.
     *
     * @param network the network to be exported; its name and number of classes are used
     * @return metadata with {@code network.numClasses()} default class names and empty training fields
     */
    public static ExportMetadata forNetwork(Network network) {
        return new ExportMetadata(network.name(), "", defaultClassNames(network.numClasses()), "", "");
    }

    /**
     * The class names {@code "0", "1", ..., "K-1"}, used when a model has no names of its own.
     *
     * @param classes the number of classes {@code K}, at least 0
     * @return an unmodifiable list of {@code classes} decimal strings, starting at {@code "0"}
     * @throws IllegalArgumentException if {@code classes} is negative
     */
    public static List<String> defaultClassNames(int classes) {
        List<String> names = new ArrayList<>(classes);
        for (int i = 0; i < classes; i++) {
            names.add(Integer.toString(i));
        }
        return List.copyOf(names);
    }

    /**
     * This metadata with another model name, all other components unchanged.
     *
     * @param name the new short model name; null means unknown (stored as the empty string)
     * @return a new metadata record; this one is unchanged
     */
    public ExportMetadata withModelName(String name) {
        return new ExportMetadata(name, config, classNames, trainingBackend, runId);
    }

    /**
     * This metadata with another configuration string, all other components unchanged.
     *
     * @param newConfig the new free-form configuration text; null means none (stored as the empty string)
     * @return a new metadata record; this one is unchanged
     */
    public ExportMetadata withConfig(String newConfig) {
        return new ExportMetadata(modelName, newConfig, classNames, trainingBackend, runId);
    }

    /**
     * This metadata with other class names, all other components unchanged.
     *
     * @param names one name per output class, in logit order; not null and without null elements (copied)
     * @return a new metadata record; this one is unchanged
     * @throws NullPointerException if {@code names} or one of its elements is null
     */
    public ExportMetadata withClassNames(List<String> names) {
        return new ExportMetadata(modelName, config, names, trainingBackend, runId);
    }

    /**
     * This metadata recording that {@code backend} trained the parameters in run {@code run}.
     *
     * @param backend the training backend, e.g. {@code pytorch}; null means unknown (stored as the empty string)
     * @param run     the training run id; null means unknown (stored as the empty string)
     * @return a new metadata record; this one is unchanged
     */
    public ExportMetadata withTraining(String backend, String run) {
        return new ExportMetadata(modelName, config, classNames, backend, run);
    }
}
