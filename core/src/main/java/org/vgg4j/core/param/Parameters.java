package org.vgg4j.core.param;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.vgg4j.core.Network;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.layer.ParameterSpec;

/**
 * An immutable, ordered map from PyTorch {@code state_dict} names ({@code vgg_block_1.0.weight}) to host tensors: a
 * network's state (parameters and buffers), or one tensor per trainable parameter (gradients, optimizer slots).
 */
public final class Parameters {
    private final Map<String, Tensor> tensors;

    private Parameters(Map<String, Tensor> tensors) {
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    /**
     * Parameters holding {@code tensors} in their iteration order.
     *
     * @param tensors state_dict names to tensors; copied, so later changes to the map are not seen
     * @return an immutable view of a copy of {@code tensors}
     */
    public static Parameters of(Map<String, Tensor> tensors) {
        return new Parameters(tensors);
    }

    /**
     * Fresh parameters for {@code network} drawn by {@code initializer} from {@code seed}.
     *
     * @param network     the network whose parameter specs (parameters and buffers) are drawn
     * @param initializer the weight-initialisation scheme
     * @param seed        the seed; the same seed gives the same tensors
     * @return one tensor per parameter spec, in the network's order
     */
    public static Parameters initialize(Network network, Initializer initializer, long seed) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (ParameterSpec spec : network.parameterSpecs()) {
            out.put(spec.name(), initializer.create(spec, seed));
        }
        return new Parameters(out);
    }

    /**
     * The tensor named {@code name}; an error lists the names that exist.
     *
     * @param name a state_dict name such as {@code vgg_block_1.0.weight}
     * @return the tensor, never null
     * @throws ParameterMismatchException if there is no tensor of that name
     */
    public Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new ParameterMismatchException("no parameter named '" + name + "'; have " + tensors.keySet());
        }
        return t;
    }

    /**
     * The tensor names in iteration order.
     *
     * @return an unmodifiable view of the names
     */
    public Set<String> names() {
        return tensors.keySet();
    }

    /**
     * The names and tensors in iteration order.
     *
     * @return an unmodifiable map (the tensors themselves are shared, not copied)
     */
    public Map<String, Tensor> asMap() {
        return tensors;
    }

    /**
     * The number of tensors (not of scalars: see {@link #elementCount()}).
     *
     * @return the tensor count, zero or more
     */
    public int size() {
        return tensors.size();
    }

    /**
     * Total number of scalars.
     *
     * @return the sum of all tensors' element counts
     */
    public long elementCount() {
        return tensors.values().stream().mapToLong(Tensor::size).sum();
    }

    /**
     * A copy with each tensor replaced by {@code f(tensor)}.
     *
     * @param f applied once per tensor, in order; must not return null
     * @return new parameters with the same names and order
     */
    public Parameters map(UnaryOperator<Tensor> f) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> out.put(k, f.apply(v)));
        return new Parameters(out);
    }

    /**
     * Checks that these parameters are exactly the tensors of {@code network}'s state (its parameters and buffers),
     * naming every missing, unexpected, misshaped or mistyped tensor, and returns them in the network's order.
     *
     * @param network the network whose parameter specs (parameters and buffers) are required
     * @return the same tensors reordered to the network's order
     * @throws ParameterMismatchException listing every problem found
     */
    public Parameters conformTo(Network network) {
        return conform(network.name(), network.parameterSpecs(), "parameters");
    }

    /**
     * Checks that these tensors are exactly one per trainable parameter of {@code network}, as gradients and optimizer
     * state slots are (buffers have neither), and returns them in the network's order.
     *
     * @param network the network whose trainable specs are required
     * @return the same tensors reordered to the network's order
     * @throws ParameterMismatchException listing every problem found
     */
    public Parameters conformToTrainable(Network network) {
        return conform(network.name(), network.trainableSpecs(), "trainable parameters");
    }

    /** Checks these tensors against {@code specs} of network {@code networkName}; {@code what} names them in errors. */
    Parameters conform(String networkName, List<ParameterSpec> specs, String what) {
        List<String> problems = new ArrayList<>();
        Map<String, Tensor> ordered = new LinkedHashMap<>();
        Set<String> expected = new HashSet<>();
        for (ParameterSpec spec : specs) {
            expected.add(spec.name());
            Tensor t = tensors.get(spec.name());
            if (t == null) {
                problems.add("missing tensor '" + spec.name() + "' " + spec.shape());
            } else if (!t.shape().equals(spec.shape())) {
                problems.add("tensor '" + spec.name() + "' has shape " + t.shape() + ", expected " + spec.shape());
            } else if (t.dtype() != spec.dtype()) {
                problems.add("tensor '" + spec.name() + "' has dtype " + t.dtype() + ", expected " + spec.dtype());
            } else {
                ordered.put(spec.name(), t);
            }
        }
        for (String name : tensors.keySet()) {
            if (!expected.contains(name)) {
                problems.add("unexpected tensor '" + name + "' " + tensors.get(name).shape());
            }
        }
        if (!problems.isEmpty()) {
            throw new ParameterMismatchException(what + " do not fit network '" + networkName + "': "
                    + String.join("; ", problems));
        }
        return new Parameters(ordered);
    }

    /**
     * Largest element-wise absolute difference over all tensors (same names and shapes required).
     *
     * @param other parameters holding at least every name of these
     * @return the maximum {@code |a - b|}, 0 if there are no tensors
     * @throws ParameterMismatchException if {@code other} lacks one of these names
     */
    public double maxAbsDiff(Parameters other) {
        double max = 0;
        for (var e : tensors.entrySet()) {
            max = Math.max(max, e.getValue().maxAbsDiff(other.get(e.getKey())));
        }
        return max;
    }

    @Override
    public String toString() {
        return "Parameters" + tensors.keySet();
    }
}
