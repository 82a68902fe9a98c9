package org.vgg4j.serve;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.vgg4j.core.Shape;
import org.vgg4j.core.spi.Session;

/**
 * One model a {@link ModelServer} serves: its name in the URLs, the open session that computes it (the server takes
 * ownership, calls it from one thread only and closes it), its class names, and where it came from.
 *
 * @param name       the name in {@code /v2/models/{name}}: letters, digits, {@code .}, {@code _} and {@code -}
 * @param session    the open session; owned by the server from now on
 * @param classNames one name per logit
 * @param platform   what computes it, e.g. {@code onnx} (the backend's name), shown in the model's metadata
 * @param source     the file or run it was loaded from, shown in the model's metadata
 */
public record ServedModel(String name, Session session, List<String> classNames, String platform, String source) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /**
     * Checks the name and that there is one class name per logit.
     *
     * @param name       the name in the URLs
     * @param session    the open session, owned by the server from now on
     * @param classNames one name per logit
     * @param platform   what computes it, e.g. {@code onnx}
     * @param source     where it came from
     *
     * @throws IllegalArgumentException naming the model and what does not fit
     */
    public ServedModel {
        Objects.requireNonNull(session, "session");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("model name '" + name + "' is not allowed: use 1-64 letters, digits, "
                    + "'.', '_' or '-', starting with a letter or digit");
        }
        classNames = List.copyOf(classNames);
        int classes = session.network().numClasses();
        if (classNames.size() != classes) {
            throw new IllegalArgumentException("model '" + name + "' has " + classes + " logits but "
                    + classNames.size() + " class names");
        }
        platform = Objects.requireNonNullElse(platform, "");
        source = Objects.requireNonNullElse(source, "");
    }

    /**
     * The shape of one input sample.
     *
     * @return e.g. {@code [1, 32, 32]}
     */
    public Shape sampleShape() {
        return session.network().sampleShape();
    }

    /**
     * Number of classes.
     *
     * @return logits per sample
     */
    public int classes() {
        return classNames.size();
    }
}
