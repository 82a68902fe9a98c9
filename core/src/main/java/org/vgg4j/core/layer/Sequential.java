package org.vgg4j.core.layer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.vgg4j.core.Shape;

/**
 * An ordered container of named child layers applied one after another, like PyTorch's {@code nn.Sequential}.
 *
 * @param children the children in execution order; names are unique and contain no dot
 */
public record Sequential(List<Child> children) implements Layer {

    /**
     * One named child of a {@link Sequential}.
     *
     * @param name  the child's name (PyTorch numbers unnamed children 0, 1, 2, ...)
     * @param layer the child layer
     */
    public record Child(String name, Layer layer) {
        /**
         * Checks the name.
         *
         * @param name  the child's name: non-empty, without a dot
         * @param layer the child layer
         * @throws IllegalArgumentException if the name is null, empty or contains a dot
         */
        public Child {
            if (name == null || name.isEmpty() || name.contains(".")) {
                throw new IllegalArgumentException("child name must be non-empty and contain no '.': " + name);
            }
        }
    }

    /**
     * Copies the children and checks that their names are unique.
     *
     * @param children the children in execution order; copied
     * @throws IllegalArgumentException if two children have the same name
     */
    public Sequential {
        children = List.copyOf(children);
        Set<String> seen = new HashSet<>();
        for (Child c : children) {
            if (!seen.add(c.name())) {
                throw new IllegalArgumentException("duplicate child name '" + c.name() + "'");
            }
        }
    }

    /**
     * A container whose children are named 0, 1, 2, ... like an unnamed PyTorch {@code nn.Sequential}.
     *
     * @param layers the children in execution order, none null
     * @return the container
     */
    public static Sequential of(Layer... layers) {
        return of(List.of(layers));
    }

    /**
     * A container whose children are named 0, 1, 2, ... like an unnamed PyTorch {@code nn.Sequential}.
     *
     * @param layers the children in execution order
     * @return the container
     */
    public static Sequential of(List<? extends Layer> layers) {
        List<Child> children = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            children.add(new Child(Integer.toString(i), layers.get(i)));
        }
        return new Sequential(children);
    }

    @Override
    public Shape outputShape(String path, Shape input) {
        Shape shape = input;
        for (Child c : children) {
            shape = c.layer().outputShape(path.isEmpty() ? c.name() : path + "." + c.name(), shape);
        }
        return shape;
    }

    @Override
    public String describe() {
        return "Sequential";
    }

    @Override
    public long forwardFlops(Shape input) {
        long total = 0;
        Shape shape = input;
        for (Child c : children) {
            total += c.layer().forwardFlops(shape);
            shape = c.layer().outputShape(c.name(), shape);
        }
        return total;
    }

    @Override
    public <R> R accept(LayerVisitor<R> visitor) {
        return visitor.sequential(this);
    }
}
