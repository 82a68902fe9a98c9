package org.vgg4j.backend.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.ShapeMismatchException;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.Vgg4jException;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.InputChecks;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.spi.Trainer;

/**
 * A network served by ONNX Runtime: inference only. Holds one native ONNX Runtime session plus a host copy of the
 * parameters, and knows the model's {@link OnnxModelInfo} (class names and the rest of its metadata).
 *
 * <p>Every input is checked against the network before it reaches the runtime; every native tensor and result is
 * closed before {@link #predict} returns.
 */
public final class OnnxSession implements Session {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxSession.class);
    private final Network network;
    private final OnnxRuntimeOptions options;
    private final Device requested;
    private final InputStaging staging = new InputStaging();
    private ExportMetadata metadata;
    private Parameters parameters;
    private OnnxModelInfo info;
    private OrtSession session;
    private Device device;

    OnnxSession(OnnxModelFile model, Device requested, OnnxRuntimeOptions options) {
        this.network = model.network();
        this.options = options;
        this.requested = requested;
        install(model);
    }

    private void install(OnnxModelFile model) {
        OrtRuntime.Created created = OrtRuntime.create(runtimeModel(model), requested, options, model.source());
        OrtSession old = session;
        session = created.session();
        device = created.device();
        parameters = model.parameters();
        info = model.info();
        metadata = info.metadata();
        if (old != null) {
            OrtRuntime.close(old);
        }
    }

    /**
     * The bytes ONNX Runtime runs: unless a GPU was asked for, the model re-exported with {@link NchwcPadding} when
     * that widens any convolution (same logits, faster on the CPU) and the re-export keeps the model's input and
     * output names and batch dimension (a file written by another tool may name them differently); otherwise the
     * model as given.
     */
    private byte[] runtimeModel(OnnxModelFile model) {
        if (requested.kind() == Device.Kind.GPU) {
            return model.bytes();
        }
        NchwcPadding.Padded padded = NchwcPadding.apply(model.network(), model.parameters(), options.nchwcBlock());
        if (padded.widened() == 0) {
            return model.bytes();
        }
        byte[] bytes = OnnxExporter.export(padded.network(), padded.parameters(), model.info().metadata());
        OnnxModelInfo original = model.info();
        OnnxModelInfo runtime = OnnxModelInfo.of(OnnxModelFile.parseProto(bytes, model.source()), model.source());
        boolean sameInterface = runtime.inputName().equals(original.inputName())
                && runtime.outputName().equals(original.outputName())
                && runtime.batchDimension().equals(original.batchDimension());
        if (!sameInterface) {
            return model.bytes();
        }
        LOG.debug("{}: {} convolution(s) padded to the NCHWc block of {} channels for the CPU runtime", model.source(),
                padded.widened(), options.nchwcBlock());
        return bytes;
    }

    @Override
    public Network network() {
        return network;
    }

    @Override
    public Device device() {
        return device;
    }

    /** The model's metadata: input and output, class names, digest, training provenance. */
    public OnnxModelInfo info() {
        return info;
    }

    /** The class names, one per logit. */
    public List<String> classNames() {
        return metadata.classNames();
    }

    @Override
    public Tensor predict(Tensor images) {
        OrtSession s = open();
        InputChecks.checkImages(network, images);
        checkFixedBatch(images.shape());
        Shape outShape = network.outputShape(images.shape());
        try (OnnxTensor input = OnnxTensor.createTensor(OrtRuntime.environment(), staging.stage(images),
                images.shape().toLongArray());
                OrtSession.Result result = s.run(Map.of(info.inputName(), input))) {
            OnnxValue value = result.get(0);
            if (!(value instanceof OnnxTensor output)) {
                throw new Vgg4jException("ONNX Runtime returned " + value.getType() + " instead of a tensor for "
                        + info.outputName());
            }
            FloatBuffer buffer = output.getFloatBuffer();
            if (buffer == null || buffer.remaining() != outShape.elementCount()) {
                throw new Vgg4jException("ONNX Runtime returned " + (buffer == null ? "no float data"
                        : buffer.remaining() + " values") + " for " + info.outputName() + ", expected " + outShape);
            }
            float[] logits = new float[buffer.remaining()];
            buffer.get(logits);
            return Tensor.wrap(outShape, logits);
        } catch (OrtException e) {
            throw new Vgg4jException("ONNX Runtime failed on a batch of shape " + images.shape() + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public Parameters parameters() {
        open();
        return parameters;
    }

    /** Re-exports the network with {@code newParameters} (checked first) and replaces the runtime session. */
    @Override
    public void loadParameters(Parameters newParameters) {
        open();
        install(OnnxModelFile.exported(network, newParameters, metadata));
    }

    /** Always throws: ONNX Runtime is inference-only here (see {@link OnnxBackend#TRAINING_UNSUPPORTED}). */
    @Override
    public Trainer trainer(TrainingSpec spec) {
        throw new UnsupportedOperationException(OnnxBackend.TRAINING_UNSUPPORTED);
    }

    @Override
    public void close() {
        if (session != null) {
            OrtSession s = session;
            session = null;
            staging.release();
            OrtRuntime.close(s);
        }
    }

    /** Models written with a fixed batch size (not by vgg4j) take exactly that many samples. */
    private void checkFixedBatch(Shape input) {
        String batch = info.batchDimension();
        if (!batch.isEmpty() && batch.chars().allMatch(Character::isDigit) && Long.parseLong(batch) > 0
                && input.dim(0) != Long.parseLong(batch)) {
            throw new ShapeMismatchException(info.inputName(), "[" + batch + ", "
                    + network.sampleShape().toString().substring(1) + " (this model has a fixed batch size)", input);
        }
    }

    private OrtSession open() {
        if (session == null) {
            throw new Vgg4jException("this ONNX session of '" + network.name() + "' is closed; open a new one");
        }
        return session;
    }
}
