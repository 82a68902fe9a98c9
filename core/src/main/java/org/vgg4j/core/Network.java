package org.vgg4j.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.vgg4j.core.layer.Dropout;
import org.vgg4j.core.layer.Layer;
import org.vgg4j.core.layer.ParameterSpec;
import org.vgg4j.core.layer.Sequential;

/**
 * An immutable network: a root {@link Sequential} plus the shape of one input sample, from which every layer's output
 * shape and every parameter (named like PyTorch's {@code state_dict}) is inferred.
 *
 * @param name        a short model name such as {@code vgg11}
 * @param root        the layers
 * @param sampleShape shape of one input sample without the batch dimension, e.g. [1, 224, 224]
 */
public record Network(String name, Sequential root, Shape sampleShape) {

    /**
     * Checks that the layers fit together for a batch of one sample.
     *
     * @param name        a short model name, not null
     * @param root        the layers, not null
     * @param sampleShape shape of one input sample without the batch dimension, not null
     * @throws NullPointerException   if an argument is null
     * @throws ShapeMismatchException naming the first layer that cannot take its input
     */
    public Network {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(sampleShape, "sampleShape");
        // Fails early, naming the layer, if the layers do not fit together.
        root.outputShape("", sampleShape.prepend(1));
    }

    /**
     * Checks that {@code input} is a batch of this network's samples; the error names the input and both shapes.
     *
     * @param input a batch shape {@code [N, ...sampleShape]}
     * @throws ShapeMismatchException if the rank or sample dimensions differ, or N is below 1
     */
    public void checkInput(Shape input) {
        if (input.rank() != sampleShape.rank() + 1 || !input.dropFirst().equals(sampleShape) || input.dim(0) < 1) {
            throw new ShapeMismatchException("input", "[N >= 1, " + sampleShape.toString().substring(1), input);
        }
    }

    /**
     * The logits' shape for a batch of {@code input}, after checking the input.
     *
     * @param input a batch shape {@code [N, ...sampleShape]}
     * @return the output shape, {@code [N, classes]} for a classifier
     * @throws ShapeMismatchException if {@code input} is not a batch of this network's samples
     */
    public Shape outputShape(Shape input) {
        checkInput(input);
        return root.outputShape("", input);
    }

    /**
     * Number of output classes (the last dimension of the output).
     *
     * @return the size of the output's last dimension
     */
    public int numClasses() {
        return root.outputShape("", sampleShape.prepend(1)).dim(-1);
    }

    /**
     * The output shape of each top-level child for a batch of {@code batch} samples: the d2l shape table.
     *
     * @param batch number of samples, >= 0
     * @return one row per child of the root, in order, named by the child's name
     */
    public List<LayerNode> shapeTable(int batch) {
        List<LayerNode> out = new ArrayList<>();
        Shape shape = sampleShape.prepend(batch);
        for (Sequential.Child c : root.children()) {
            shape = c.layer().outputShape(c.name(), shape);
            out.add(new LayerNode(c.name(), c.layer(), shape));
        }
        return out;
    }

    /**
     * Every non-container layer in execution order with its path and output shape for {@code batch} samples.
     *
     * @param batch number of samples, >= 0
     * @return one row per leaf layer, with its dotted path ({@code vgg_block_1.0})
     */
    public List<LayerNode> leaves(int batch) {
        List<LayerNode> out = new ArrayList<>();
        collectLeaves("", root, sampleShape.prepend(batch), out);
        return out;
    }

    private static Shape collectLeaves(String path, Layer layer, Shape input, List<LayerNode> out) {
        if (layer instanceof Sequential seq) {
            Shape shape = input;
            for (Sequential.Child c : seq.children()) {
                shape = collectLeaves(path.isEmpty() ? c.name() : path + "." + c.name(), c.layer(), shape, out);
            }
            return shape;
        }
        Shape output = layer.outputShape(path, input);
        out.add(new LayerNode(path, layer, output));
        return output;
    }

    /**
     * Every tensor of the network's state, parameters and buffers, in {@code state_dict} order with its full dotted
     * name: what a checkpoint holds and what {@link org.vgg4j.core.param.Parameters#conformTo} expects.
     *
     * @return the specs, each with its full name such as {@code vgg_block_1.0.weight}
     */
    public List<ParameterSpec> parameterSpecs() {
        List<ParameterSpec> out = new ArrayList<>();
        for (LayerNode node : leaves(1)) {
            for (ParameterSpec p : node.layer().parameters()) {
                out.add(p.prefixed(node.path()));
            }
        }
        return out;
    }

    /**
     * The trainable parameters only (PyTorch's {@code named_parameters()}), in {@code state_dict} order: what gradients,
     * optimizer state and the agreement checks of training cover.
     *
     * @return the trainable specs, a subset of {@link #parameterSpecs()} in the same order
     */
    public List<ParameterSpec> trainableSpecs() {
        return parameterSpecs().stream().filter(ParameterSpec::trainable).toList();
    }

    /**
     * Total number of trainable scalars, as PyTorch counts {@code sum(p.numel() for p in model.parameters())}.
     *
     * @return the count; buffers such as batch-norm running statistics are not included
     */
    public long parameterCount() {
        return trainableSpecs().stream().mapToLong(p -> p.shape().elementCount()).sum();
    }

    /**
     * Whether any layer is a dropout with non-zero probability (training is then stochastic).
     *
     * @return true if some {@link Dropout} has {@code p > 0}
     */
    public boolean hasActiveDropout() {
        return leaves(1).stream().anyMatch(n -> n.layer() instanceof Dropout d && d.p() > 0);
    }

    /**
     * The module tree printed the way PyTorch prints an {@code nn.Module}.
     *
     * @return multi-line text, {@code Sequential(} ... {@code )}, without a trailing newline
     */
    public String describePytorch() {
        StringBuilder sb = new StringBuilder();
        describe(root, "", sb);
        return sb.toString();
    }

    private static void describe(Layer layer, String indent, StringBuilder sb) {
        if (layer instanceof Sequential seq) {
            sb.append("Sequential(\n");
            for (Sequential.Child c : seq.children()) {
                sb.append(indent).append("  (").append(c.name()).append("): ");
                describe(c.layer(), indent + "  ", sb);
                sb.append('\n');
            }
            sb.append(indent).append(')');
        } else {
            sb.append(layer.describe());
        }
    }
}
