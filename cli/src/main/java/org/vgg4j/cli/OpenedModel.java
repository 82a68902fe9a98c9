package org.vgg4j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.vgg4j.backend.onnx.OnnxBackend;
import org.vgg4j.backend.onnx.OnnxModelFile;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.core.spi.Backends;
import org.vgg4j.core.spi.Task;
import org.vgg4j.core.spi.Session;

/**
 * A trained model opened for inference, as {@code predict} and {@code serve} load it: an exported {@code .onnx} file
 * (on ONNX Runtime unless another backend is named explicitly, which then runs the network rebuilt from the file) or a
 * checkpoint (a run directory, a checkpoint's {@code .json} or its weights, on the chosen backend). The caller owns
 * the session.
 *
 * @param session    the open session
 * @param classNames one name per logit
 * @param backend    the name of the backend running it
 * @param source     the path given
 */
record OpenedModel(Session session, List<String> classNames, String backend, Path source) {

    /** Whether {@code path} names an exported ONNX model rather than a checkpoint. */
    static boolean isOnnx(Path path) {
        return path.getFileName() != null
                && path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx");
    }

    /**
     * Opens {@code path}: an ONNX file when {@code onnx}, else a checkpoint.
     *
     * @throws org.vgg4j.core.Vgg4jException naming the path if it cannot be read or does not fit its network
     */
    static OpenedModel open(Path path, boolean onnx, BackendOptions engine) {
        if (onnx) {
            boolean explicit = engine.backend != null && !engine.backend.isBlank()
                    && !engine.backend.equalsIgnoreCase(Backends.AUTO);
            if (!explicit || engine.backend.equalsIgnoreCase("onnx")) {
                var session = new OnnxBackend().openFile(path, engine.device());
                return new OpenedModel(session, session.classNames(), "onnx", path);
            }
            OnnxModelFile file = OnnxModelFile.load(path);
            if (file.quantized()) {
                throw new UsageException(path + " is an int8 (QDQ) model, which only the onnx backend runs; leave "
                        + "out --backend " + engine.backend + " or use --backend onnx");
            }
            Backend backend = engine.choose(Task.INFERENCE).backend();
            return new OpenedModel(backend.open(file.network(), file.parameters(), engine.device()),
                    file.info().classNames(), backend.name(), path);
        }
        return open(TrainedModel.load(path), engine);
    }

    /** Opens {@code model} (a checkpoint or a bare state dict) on the chosen backend. */
    static OpenedModel open(TrainedModel model, BackendOptions engine) {
        Path path = model.source();
        Backend backend = engine.choose(Task.INFERENCE).backend();
        return new OpenedModel(backend.open(model.network(), model.parameters(), engine.device()), model.classNames(),
                backend.name(), path);
    }
}
