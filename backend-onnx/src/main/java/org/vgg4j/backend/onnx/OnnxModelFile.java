package org.vgg4j.backend.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.vgg4j.core.ErrorText;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.onnx.OnnxFormatException;
import org.vgg4j.onnx.ParameterDigest;

/**
 * A parsed ONNX model ready to be served: its {@link OnnxModelInfo}, the core {@link Network} rebuilt from its graph,
 * and its {@link Parameters} read from its initializers and checked against the digest recorded at export.
 *
 * <p>Any ONNX model whose graph is a chain of Conv (with bias, one group), BatchNormalization (inference mode), Relu,
 * MaxPool, AveragePool, GlobalAveragePool, Flatten, Gemm, Dropout and Identity nodes (and the Einsum that vgg4j
 * writes for an adaptive average pool with uneven bins) can be rebuilt, such as torch.onnx's export of
 * torchvision's VGGs; for files written by vgg4j the rebuilt network equals the exported one, dropout
 * layers and layer paths included. An int8 model in the QDQ format is read as the float network it approximates
 * ({@link #quantized()}). Anything else is refused with an {@link OnnxFormatException} naming the file and
 * the node that does not fit.
 */
public final class OnnxModelFile {
    private final String source;
    private final byte[] bytes;
    private final OnnxModelInfo info;
    private final Network network;
    private final Parameters parameters;
    private final boolean quantized;

    private OnnxModelFile(String source, byte[] bytes, OnnxModelInfo info, Network network, Parameters parameters,
            boolean quantized) {
        this.quantized = quantized;
        this.source = source;
        this.bytes = bytes;
        this.info = info;
        this.network = network;
        this.parameters = parameters;
    }

    /**
     * Reads and checks the ONNX model in {@code file}.
     *
     * @param file the {@code .onnx} file to read; at most 2 GB, weights inside the file
     * @return the parsed model, its network rebuilt and its weights checked
     * @throws OnnxFormatException naming the file if it is missing, unreadable, not ONNX, corrupt (its weights do not
     *                             match the recorded digest) or not a network vgg4j can rebuild
     */
    public static OnnxModelFile load(Path file) {
        return parse(readBytes(file), file.toString());
    }

    /**
     * Parses a serialized model; {@code source} names it in error messages.
     *
     * @param bytes  the serialized ONNX {@code ModelProto}; kept by the returned model, so not modified afterwards
     * @param source the file or description to name in error messages and in {@link #source()}
     * @return the parsed model, its network rebuilt and its weights checked against the recorded digest
     * @throws OnnxFormatException if the bytes are empty, not ONNX, corrupt or not a network vgg4j can rebuild
     */
    public static OnnxModelFile parse(byte[] bytes, String source) {
        OnnxMl.ModelProto model = parseProto(bytes, source);
        OnnxModelInfo info = OnnxModelInfo.of(model, source);
        OnnxGraphImport.Imported imported = OnnxGraphImport.read(model, info, source);
        Shape computed = imported.network().outputShape(info.sampleShape().prepend(1));
        if (computed.rank() != 2 || computed.dim(1) != info.classes()) {
            // The declared output shape is only a claim; the rebuilt network says what the graph computes.
            throw new OnnxFormatException(source + ": output '" + info.outputName() + "' declares " + info.classes()
                    + " classes, but the graph computes logits of shape " + computed);
        }
        if (!info.parameterDigest().isEmpty()) {
            String actual = ParameterDigest.sha256(imported.parameters());
            if (!actual.equals(info.parameterDigest())) {
                throw new OnnxFormatException(source + " is corrupt: its weights do not match the digest recorded at "
                        + "export (recorded " + info.parameterDigest() + ", found " + actual
                        + "); export the model again");
            }
        }
        return new OnnxModelFile(source, bytes, info, imported.network(), imported.parameters(),
                Int8Weights.isQuantized(model.getGraph()));
    }

    /** The bytes of {@code file}, or an error naming it. */
    static byte[] readBytes(Path file) {
        try {
            if (Files.isRegularFile(file) && Files.size(file) > Integer.MAX_VALUE - 8) {
                throw new OnnxFormatException("ONNX model file " + file + " is larger than 2 GB, the protobuf limit "
                        + "for a single-file model; vgg4j does not read models with external weight files");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new OnnxFormatException("ONNX model file " + file + " does not exist");
        } catch (IOException e) {
            throw new OnnxFormatException("cannot read ONNX model file " + file + ": " + e, e);
        }
    }

    /** Parses {@code bytes} as an ONNX model and checks it has the parts every model has, or names what is wrong. */
    static OnnxMl.ModelProto parseProto(byte[] bytes, String source) {
        if (bytes.length == 0) {
            throw new OnnxFormatException(source + " is empty, not an ONNX model");
        }
        OnnxMl.ModelProto model;
        try {
            model = OnnxMl.ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new OnnxFormatException(source + " is not an ONNX model or is corrupt (truncated or damaged): "
                    + ErrorText.quote(e.getMessage()), e);
        }
        if (model.getIrVersion() < 3 || !model.hasGraph() || model.getGraph().getNodeCount() == 0
                || model.getGraph().getInputCount() == 0 || model.getGraph().getOutputCount() == 0) {
            throw new OnnxFormatException(source + " is not an ONNX model: it parses as protobuf but has IR version "
                    + model.getIrVersion() + ", " + (model.hasGraph() ? model.getGraph().getNodeCount() : 0)
                    + " graph nodes, " + (model.hasGraph() ? model.getGraph().getInputCount() : 0) + " inputs and "
                    + (model.hasGraph() ? model.getGraph().getOutputCount() : 0) + " outputs");
        }
        return model;
    }

    /**
     * The file or description the model was read from.
     *
     * @return the path as given to {@link #load}, or the {@code source} given to {@link #parse}
     */
    public String source() {
        return source;
    }

    /**
     * What the model says about itself.
     *
     * @return the model's input, output, class names and vgg4j metadata
     */
    public OnnxModelInfo info() {
        return info;
    }

    /**
     * The core network rebuilt from the graph.
     *
     * @return the network; for files written by vgg4j, equal to the exported one
     */
    public Network network() {
        return network;
    }

    /**
     * The weights, named after the rebuilt network's layers (the exported names for vgg4j files).
     *
     * @return the parameters read from the graph's initializers
     */
    public Parameters parameters() {
        return parameters;
    }

    /**
     * Whether the file is a quantized (QDQ) model, such as {@code vgg4j export --int8} writes: its graph has
     * QuantizeLinear or DequantizeLinear nodes. Then {@link #network()} and {@link #parameters()} are the float
     * network it approximates (the weights dequantized, activation quantization left out), and ONNX Runtime runs the
     * file as it is.
     *
     * @return true for a quantized model
     */
    public boolean quantized() {
        return quantized;
    }

    /** The serialized model, shared: callers must not modify it. */
    byte[] bytes() {
        return bytes;
    }

    /** The graph's one real input (not an initializer listed as an input, which older IR versions allowed). */
    static OnnxMl.ValueInfoProto graphInput(OnnxMl.GraphProto graph, String source) {
        Set<String> initializers = new HashSet<>();
        graph.getInitializerList().forEach(t -> initializers.add(t.getName()));
        OnnxMl.ValueInfoProto found = null;
        for (OnnxMl.ValueInfoProto v : graph.getInputList()) {
            if (!initializers.contains(v.getName())) {
                if (found != null) {
                    throw new OnnxFormatException(source + ": the graph has several inputs ('" + found.getName()
                            + "', '" + v.getName() + "'); vgg4j serves models with exactly one image input");
                }
                found = v;
            }
        }
        if (found == null) {
            throw new OnnxFormatException(source + ": the graph has no input besides its weights");
        }
        return found;
    }
}
