package org.vgg4j.backend.onnx;

import ai.onnx.proto.OnnxMl;
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
import org.vgg4j.onnx.ExportMetadata;
import org.vgg4j.onnx.OnnxExporter;

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
    private final ExportMetadata metadata;
    private Parameters parameters;
    /** The file the session serves as given, or null for a network exported in memory (or reloaded). */
    private OnnxModelFile file;
    /** The model's information: the file's, or made on first request for an in-memory model. */
    private OnnxModelInfo info;
    /** The input name of the model ONNX Runtime runs. */
    private String runInput;
    /** How many convolutions the model ONNX Runtime runs has padded to the NCHWc block. */
    private int padded;
    private OrtSession session;
    private Device device;

    /**
     * A session on {@code network} with {@code parameters} (already conformed); {@code file} is the ONNX file they
     * were read from, or null for a network exported in memory.
     */
    OnnxSession(Network network, Parameters parameters, ExportMetadata metadata, OnnxModelFile file,
            Device requested, OnnxRuntimeOptions options) {
        this.network = network;
        this.metadata = metadata;
        this.options = options;
        this.requested = requested;
        install(parameters, file);
    }

    private void install(Parameters params, OnnxModelFile given) {
        // a quantized file runs as it is: padding would re-export it in float32
        boolean asIs = requested.kind() == Device.Kind.GPU || given != null && given.quantized();
        NchwcPadding.Padded widened = asIs ? new NchwcPadding.Padded(network, params, 0)
                : NchwcPadding.apply(network, params, options.nchwcBlock());
        OnnxMl.ModelProto exported = runtimeModel(widened, given);
        String source = given != null ? given.source() : "in-memory export of " + network.name();
        byte[] bytes = exported != null ? exported.toByteArray() : given.bytes();
        OrtRuntime.Created created = OrtRuntime.create(bytes, requested, options, source);
        OrtSession old = session;
        session = created.session();
        device = created.device();
        parameters = params;
        file = given;
        info = given != null ? given.info() : null;
        runInput = exported != null ? OnnxExporter.INPUT : given.info().inputName();
        padded = widened.widened();
        if (old != null) {
            OrtRuntime.close(old);
        }
    }

    /**
     * The model ONNX Runtime runs, exported once from {@code padded}: the network with, unless a GPU was asked for,
     * every convolution that feeds a convolution padded to the NCHWc block first ({@link NchwcPadding}: same logits,
     * faster on the CPU); or null to run {@code given}'s bytes as they are (on a GPU, for a quantized file, or when
     * padding widens nothing).
     */
    private OnnxMl.ModelProto runtimeModel(NchwcPadding.Padded padded, OnnxModelFile given) {
        if (given != null && padded.widened() == 0) {
            return null;
        }
        if (padded.widened() > 0) {
            LOG.debug("{}: {} convolution(s) padded to the NCHWc block of {} channels for the CPU runtime",
                    network.name(), padded.widened(), options.nchwcBlock());
        }
        return OnnxExporter.toModel(padded.network(), padded.parameters(), metadata);
    }

    @Override
    public Network network() {
        return network;
    }

    @Override
    public Device device() {
        return device;
    }

    /**
     * The model's metadata: input and output, class names, digest, training provenance; of the file as given, or,
     * for a network exported in memory, of its plain (unpadded) export, made on first request.
     *
     * @return the model's information; the same object on every call
     */
    public OnnxModelInfo info() {
        open();
        if (info == null) {
            String source = "in-memory export of " + network.name();
            info = OnnxModelInfo.of(OnnxExporter.toModel(network, parameters, metadata), source);
        }
        return info;
    }

    /** How many convolutions ONNX Runtime runs padded to its NCHWc block (0 on a GPU). */
    int paddedConvolutions() {
        return padded;
    }

    /**
     * The class names, one per logit.
     *
     * @return an unmodifiable list, {@code 0..K-1} unless the model or its metadata names the classes
     */
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
                OrtSession.Result result = s.run(Map.of(runInput, input))) {
            OnnxValue value = result.get(0);
            if (!(value instanceof OnnxTensor output)) {
                throw new Vgg4jException("ONNX Runtime returned " + value.getType() + " instead of a tensor for "
                        + "the logits of " + network.name());
            }
            FloatBuffer buffer = output.getFloatBuffer();
            if (buffer == null || buffer.remaining() != outShape.elementCount()) {
                throw new Vgg4jException("ONNX Runtime returned " + (buffer == null ? "no float data"
                        : buffer.remaining() + " values") + " for the logits of " + network.name() + ", expected "
                        + outShape);
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

    /**
     * Exports the network with {@code newParameters} (checked first) and replaces the runtime session; the new model
     * is float32 even if the session served an int8 file.
     */
    @Override
    public void loadParameters(Parameters newParameters) {
        open();
        install(newParameters.conformTo(network), null);
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
        if (file == null) {
            return;
        }
        String batch = file.info().batchDimension();
        if (!batch.isEmpty() && batch.chars().allMatch(Character::isDigit) && Long.parseLong(batch) > 0
                && input.dim(0) != Long.parseLong(batch)) {
            throw new ShapeMismatchException(file.info().inputName(), "[" + batch + ", "
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
