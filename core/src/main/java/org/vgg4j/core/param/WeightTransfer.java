package org.vgg4j.core.param;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.vgg4j.core.LayerNode;
import org.vgg4j.core.Network;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.layer.Linear;
import org.vgg4j.core.layer.ParameterSpec;

/**
 * The starting weights of a fine-tuning run: every tensor of a network's state that a source (another run's weights,
 * a torchvision {@code state_dict}) holds under the same name, shape and dtype is taken from the source; the others
 * keep their fresh initial value. A tensor the source holds with another shape is an error, unless it belongs to the
 * network's head (its last linear layer, whose shape follows the number of classes), which is then initialised afresh.
 *
 * @param parameters the network's state, in its order: loaded tensors from the source, the others fresh
 * @param loaded     names of the tensors taken from the source, in the network's order
 * @param fresh      names of the tensors freshly initialised (replaced, missing from the source, or a head of another
 *                   shape), in the network's order
 * @param unused     names of the source's tensors the network has no tensor for, in the source's order
 */
public record WeightTransfer(Parameters parameters, List<String> loaded, List<String> fresh, List<String> unused) {

    /**
     * Copies the name lists.
     *
     * @param parameters the network's state, not null
     * @param loaded     names taken from the source, not null
     * @param fresh      names initialised afresh, not null
     * @param unused     source names not used, not null
     */
    public WeightTransfer {
        Objects.requireNonNull(parameters, "parameters");
        loaded = List.copyOf(loaded);
        fresh = List.copyOf(fresh);
        unused = List.copyOf(unused);
    }

    /**
     * Combines {@code source} with {@code initial} for {@code network}.
     *
     * @param network  the network being trained
     * @param initial  fresh values of every tensor of the network's state (as {@link Parameters#initialize} draws
     *                 them)
     * @param source   the tensors to start from; names as in the network's {@code state_dict}
     * @param replaced names of tensors to initialise afresh whatever the source holds (a head being replaced)
     * @return the combined state and what came from where
     * @throws ParameterMismatchException naming every tensor the source holds with another shape or dtype outside the
     *                                    head (expected and actual), or if no tensor at all is taken from the source
     */
    public static WeightTransfer combine(Network network, Parameters initial, Parameters source, Set<String> replaced) {
        Parameters start = initial.conformTo(network);
        Set<String> head = Set.copyOf(headNames(network));
        Map<String, Tensor> out = new LinkedHashMap<>();
        List<String> loaded = new ArrayList<>();
        List<String> fresh = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (ParameterSpec spec : network.parameterSpecs()) {
            Tensor t = source.asMap().get(spec.name());
            boolean fits = t != null && t.shape().equals(spec.shape()) && t.dtype() == spec.dtype();
            if (replaced.contains(spec.name()) || t == null || (!fits && head.contains(spec.name()))) {
                out.put(spec.name(), start.get(spec.name()));
                fresh.add(spec.name());
            } else if (!fits) {
                problems.add(!t.shape().equals(spec.shape())
                        ? "tensor '" + spec.name() + "' has shape " + t.shape() + ", expected " + spec.shape()
                        : "tensor '" + spec.name() + "' has dtype " + t.dtype() + ", expected " + spec.dtype());
            } else {
                out.put(spec.name(), t);
                loaded.add(spec.name());
            }
        }
        if (!problems.isEmpty()) {
            throw new ParameterMismatchException("its tensors do not fit network '" + network.name() + "': "
                    + String.join("; ", problems));
        }
        if (loaded.isEmpty()) {
            throw new ParameterMismatchException("none of its " + source.size() + " tensors fits network '"
                    + network.name() + "' by name and shape (it has " + preview(List.copyOf(source.names()))
                    + "; the network has " + preview(network.parameterSpecs().stream().map(ParameterSpec::name)
                            .toList()) + ")");
        }
        Set<String> known = out.keySet();
        List<String> unused = source.names().stream().filter(n -> !known.contains(n)).toList();
        return new WeightTransfer(Parameters.of(out), loaded, fresh, unused);
    }

    /**
     * The names of the network's head: the parameters of its last linear layer, whose output is the class scores.
     *
     * @param network the network
     * @return the head's parameter names ({@code classifier.6.weight}, {@code classifier.6.bias}), empty if the
     *         network has no linear layer
     */
    public static List<String> headNames(Network network) {
        Optional<LayerNode> last = network.leaves(1).stream().filter(n -> n.layer() instanceof Linear)
                .reduce((a, b) -> b);
        if (last.isEmpty()) {
            return List.of();
        }
        String prefix = last.get().path() + ".";
        return network.parameterSpecs().stream().map(ParameterSpec::name).filter(n -> n.startsWith(prefix)).toList();
    }

    private static String preview(List<String> names) {
        return names.size() <= 4 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 4)) + ", ... (" + names.size() + " in all)";
    }
}
