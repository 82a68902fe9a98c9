package org.vgg4j.core;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.vgg4j.core.layer.Dropout;
import org.vgg4j.core.layer.Layer;
import org.vgg4j.core.layer.ParameterSpec;
import org.vgg4j.core.layer.Sequential;

/**
 * An immutable network: a root {@link Sequential} plus the shape of one input sample, from which every layer's output
 * shape and every parameter (named like PyTorch's {@code state_dict}) is inferred, and the set of parameters that are
 * frozen (kept fixed while training, as PyTorch's {@code requires_grad = False}).
 *
 * <p>A frozen parameter stays in {@link #parameterSpecs()} (it is saved, loaded and used like any other) but leaves
 * {@link #trainableSpecs()}: it has no gradient and no optimizer state, and no backend updates it. Buffers (batch
 * norm's running statistics) are never frozen: a training-mode pass updates them in a frozen module too, exactly as
 * PyTorch's train mode does for a module whose parameters have {@code requires_grad = False}.
 *
 * @param name        a short model name such as {@code vgg11}
 * @param root        the layers
 * @param sampleShape shape of one input sample without the batch dimension, e.g. [1, 224, 224]
 * @param frozen      full names of the frozen parameters ({@code features.0.weight}), in {@code state_dict} order;
 *                    empty when everything trains
 */
public record Network(String name, Sequential root, Shape sampleShape, List<String> frozen) {

    /**
     * Checks that the layers fit together for a batch of one sample, and that every frozen name is a trainable
     * parameter of the network.
     *
     * @param name        a short model name, not null
     * @param root        the layers, not null
     * @param sampleShape shape of one input sample without the batch dimension, not null
     * @param frozen      full names of parameters to freeze, not null; copied into {@code state_dict} order
     * @throws NullPointerException     if an argument is null
     * @throws ShapeMismatchException   naming the first layer that cannot take its input
     * @throws IllegalArgumentException naming a frozen name that is not a trainable parameter of the network
     */
    public Network {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(sampleShape, "sampleShape");
        Objects.requireNonNull(frozen, "frozen");
        // Fails early, naming the layer, if the layers do not fit together.
        root.outputShape("", sampleShape.prepend(1));
        if (!frozen.isEmpty()) {
            Set<String> wanted = new HashSet<>(frozen);
            List<String> ordered = new ArrayList<>();
            for (ParameterSpec p : allSpecs(root, sampleShape)) {
                if (p.trainable() && wanted.remove(p.name())) {
                    ordered.add(p.name());
                }
            }
            if (!wanted.isEmpty()) {
                throw new IllegalArgumentException("cannot freeze '" + wanted.iterator().next() + "': network '"
                        + name + "' has no trainable parameter of that name");
            }
            frozen = List.copyOf(ordered);
        } else {
            frozen = List.of();
        }
    }

    /**
     * A network in which every parameter trains.
     *
     * @param name        a short model name, not null
     * @param root        the layers, not null
     * @param sampleShape shape of one input sample without the batch dimension, not null
     * @throws NullPointerException   if an argument is null
     * @throws ShapeMismatchException naming the first layer that cannot take its input
     */
    public Network(String name, Sequential root, Shape sampleShape) {
        this(name, root, sampleShape, List.of());
    }

    /**
     * This network with the parameters of the modules {@code prefixes} name frozen (and no others): a prefix is a
     * module path of the {@code state_dict} names ({@code features}, {@code classifier.0}) and freezes every trainable
     * parameter whose name is the prefix or starts with the prefix and a dot.
     *
     * @param prefixes module paths, not null; empty gives a network in which everything trains
     * @return a network equal to this one but for {@link #frozen()}
     * @throws IllegalArgumentException naming the first prefix that matches no trainable parameter, with the
     *                                  network's top-level modules that hold parameters
     */
    public Network withFrozen(List<String> prefixes) {
        Objects.requireNonNull(prefixes, "prefixes");
        Set<String> names = new LinkedHashSet<>();
        List<ParameterSpec> trainable = parameterSpecs().stream().filter(ParameterSpec::trainable).toList();
        for (String prefix : prefixes) {
            List<String> matched = trainable.stream().map(ParameterSpec::name)
                    .filter(n -> n.equals(prefix) || n.startsWith(prefix + ".")).toList();
            if (matched.isEmpty()) {
                List<String> modules = root.children().stream().map(Sequential.Child::name)
                        .filter(m -> trainable.stream().anyMatch(p -> p.name().startsWith(m + "."))).toList();
                throw new IllegalArgumentException("'" + prefix + "' matches no trainable parameter of network '"
                        + name + "' (its modules with parameters: " + String.join(", ", modules) + ")");
            }
            names.addAll(matched);
        }
        return new Network(name, root, sampleShape, List.copyOf(names));
    }

    /**
     * Whether the parameter named {@code parameter} is frozen.
     *
     * @param parameter a full {@code state_dict} name
     * @return true if it is in {@link #frozen()}
     */
    public boolean isFrozen(String parameter) {
        return frozen.contains(parameter);
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
        return allSpecs(root, sampleShape);
    }

    private static List<ParameterSpec> allSpecs(Sequential root, Shape sampleShape) {
        List<LayerNode> leaves = new ArrayList<>();
        collectLeaves("", root, sampleShape.prepend(1), leaves);
        List<ParameterSpec> out = new ArrayList<>();
        for (LayerNode node : leaves) {
            for (ParameterSpec p : node.layer().parameters()) {
                out.add(p.prefixed(node.path()));
            }
        }
        return out;
    }

    /**
     * The parameters that train (PyTorch's {@code named_parameters()} with {@code requires_grad}), in
     * {@code state_dict} order: what gradients, optimizer state and the agreement checks of training cover. Buffers
     * and {@link #frozen()} parameters are not among them.
     *
     * @return the trained specs, a subset of {@link #parameterSpecs()} in the same order
     */
    public List<ParameterSpec> trainableSpecs() {
        return parameterSpecs().stream().filter(p -> p.trainable() && !frozen.contains(p.name())).toList();
    }

    /**
     * Whether {@code spec} is trained: a parameter (not a buffer) that is not frozen.
     *
     * @param spec a spec of {@link #parameterSpecs()}
     * @return true if it has a gradient and optimizer state
     */
    public boolean trains(ParameterSpec spec) {
        return spec.trainable() && !frozen.contains(spec.name());
    }

    /**
     * Total number of parameter scalars, as PyTorch counts {@code sum(p.numel() for p in model.parameters())}; frozen
     * parameters are counted (see {@link #trainedParameterCount()}).
     *
     * @return the count; buffers such as batch-norm running statistics are not included
     */
    public long parameterCount() {
        return parameterSpecs().stream().filter(ParameterSpec::trainable).mapToLong(p -> p.shape().elementCount())
                .sum();
    }

    /**
     * Number of parameter scalars that train (frozen parameters left out).
     *
     * @return the element count of {@link #trainableSpecs()}
     */
    public long trainedParameterCount() {
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
