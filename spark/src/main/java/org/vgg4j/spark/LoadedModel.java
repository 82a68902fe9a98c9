package org.vgg4j.spark;

import java.util.List;
import java.util.Locale;
import org.vgg4j.backend.onnx.OnnxBackend;
import org.vgg4j.onnx.OnnxFormatException;
import org.vgg4j.backend.onnx.OnnxModelInfo;
import org.vgg4j.backend.onnx.OnnxSession;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.param.SafeTensors;
import org.vgg4j.core.spi.Backends;
import org.vgg4j.core.spi.Session;

/**
 * An open session of a {@link ModelSource} with what the classifier needs from its model: input channels and square
 * size, and class names; closing it closes the session.
 *
 * @param session    the open session
 * @param channels   input channels
 * @param size       input height = width
 * @param classNames class names by index (may be shorter than the classes: missing names are the index)
 */
record LoadedModel(Session session, int channels, int size, List<String> classNames) implements AutoCloseable {

    /** Opens {@code source} on the CPU: ONNX files on ONNX Runtime, checkpoints on the backend named {@code backend}. */
    static LoadedModel open(ModelSource source, String backend) {
        if (source instanceof ModelSource.OnnxFile f) {
            if (!backend.equals("onnx")) {
                throw new IllegalArgumentException("an ONNX model runs on the onnx backend, not '" + backend
                        + "'; give a checkpoint to run on " + backend);
            }
            OnnxSession onnx = new OnnxBackend().openFile(java.nio.file.Path.of(f.path()), Device.cpu());
            OnnxModelInfo info = onnx.info();
            Shape sample = info.sampleShape();
            if (sample.rank() != 3 || sample.dim(1) != sample.dim(2)) {
                onnx.close();
                throw new OnnxFormatException(f.path() + ": input '" + info.inputName() + "' has sample shape "
                        + sample + "; expected [channels, size, size]");
            }
            return new LoadedModel(onnx, sample.dim(0), sample.dim(1), info.classNames());
        }
        ModelSource.Checkpoint c = (ModelSource.Checkpoint) source;
        Network network = c.network().build();
        Shape sample = network.sampleShape();
        Session session = Backends.discover().select(backend).open(network,
                SafeTensors.read(java.nio.file.Path.of(c.weights())).tensors(), Device.cpu());
        return new LoadedModel(session, sample.dim(0), sample.dim(1), c.classNames());
    }

    /** The name of class {@code c}. */
    String className(int c) {
        return c < classNames.size() ? classNames.get(c) : Integer.toString(c);
    }

    @Override
    public void close() {
        session.close();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s [%d, %d, %d]", session, channels, size, size);
    }
}
