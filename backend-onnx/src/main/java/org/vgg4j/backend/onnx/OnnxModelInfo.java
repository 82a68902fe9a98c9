package org.vgg4j.backend.onnx;

import ai.onnx.proto.OnnxMl;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vgg4j.core.Shape;
import org.vgg4j.onnx.ExportMetadata;
import org.vgg4j.onnx.OnnxFormatException;
import org.vgg4j.onnx.OnnxMetadata;
import org.vgg4j.onnx.ParameterDigest;

/**
 * What an ONNX model file says about itself: producer, IR and opset versions, the sample shape its input takes (without
 * the batch dimension), its number of classes, and vgg4j's metadata (model name, configuration, class names, training
 * backend and run, parameter digest). Works for any ONNX model with one float32 input whose non-batch dimensions are
 * fixed; fields vgg4j did not write are empty (class names default to {@code 0..K-1}).
 *
 * @param source          the file it was read from, or a description of an in-memory model
 * @param producer        producer name and version, e.g. {@code vgg4j 0.1.0}
 * @param irVersion       the ONNX IR version
 * @param opsetVersion    the default-domain opset imported
 * @param inputName       name of the graph input
 * @param batchDimension  the symbolic name of the batch dimension, or its fixed size as text
 * @param sampleShape     input shape without the batch dimension, e.g. [1, 224, 224]
 * @param outputName      name of the graph output
 * @param classes         size of the output's last dimension
 * @param metadata        model name, configuration, class names and training provenance
 * @param parameterDigest {@link ParameterDigest#sha256} recorded at export; empty if absent
 * @param properties      every {@code metadata_props} entry in file order
 */
public record OnnxModelInfo(String source, String producer, long irVersion, long opsetVersion, String inputName,
        String batchDimension, Shape sampleShape, String outputName, int classes, ExportMetadata metadata,
        String parameterDigest, Map<String, String> properties) {

    /**
     * Copies {@code properties} into an unmodifiable map that keeps their order.
     *
     * @param source          the file it was read from, or a description of an in-memory model
     * @param producer        producer name and version
     * @param irVersion       the ONNX IR version
     * @param opsetVersion    the default-domain opset imported
     * @param inputName       name of the graph input
     * @param batchDimension  the symbolic name of the batch dimension, or its fixed size as text
     * @param sampleShape     input shape without the batch dimension
     * @param outputName      name of the graph output
     * @param classes         size of the output's last dimension
     * @param metadata        model name, configuration, class names and training provenance
     * @param parameterDigest the digest recorded at export; empty if absent
     * @param properties      every {@code metadata_props} entry in file order; not null (copied)
     */
    public OnnxModelInfo {
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    /** The most values one input sample may have (a Java array, and the size a Flatten layer can give). */
    static final int MAX_SAMPLE_ELEMENTS = Integer.MAX_VALUE - 8;

    /**
     * Reads the metadata of the ONNX model in {@code file} without rebuilding its network or checking its weights
     * (use {@link OnnxModelFile#load} for that), so it also describes models vgg4j cannot serve.
     *
     * @param file the {@code .onnx} file to read
     * @return the model's information; {@link #source()} is {@code file} as text
     * @throws OnnxFormatException naming the file if it is missing, unreadable, truncated or not an ONNX model
     */
    public static OnnxModelInfo read(Path file) {
        String source = file.toString();
        return of(OnnxModelFile.parseProto(OnnxModelFile.readBytes(file), source), source);
    }

    /**
     * The class names, one per logit.
     *
     * @return {@code metadata().classNames()}: the recorded names, or {@code 0..K-1} when the file names none
     */
    public List<String> classNames() {
        return metadata.classNames();
    }

    /**
     * Whether vgg4j wrote this file.
     *
     * @return true when the metadata has vgg4j's format key ({@link OnnxMetadata#FORMAT})
     */
    public boolean writtenByVgg4j() {
        return properties.containsKey(OnnxMetadata.FORMAT);
    }

    /**
     * The input shape for {@code batch} samples.
     *
     * @param batch the number of samples, at least 1
     * @return {@code [batch]} followed by {@link #sampleShape()}
     */
    public Shape inputShape(int batch) {
        return sampleShape.prepend(batch);
    }

    /** Extracts the information from a parsed model; {@code source} names it in errors. */
    static OnnxModelInfo of(OnnxMl.ModelProto model, String source) {
        OnnxMl.GraphProto graph = model.getGraph();
        Map<String, String> props = new LinkedHashMap<>();
        for (OnnxMl.StringStringEntryProto e : model.getMetadataPropsList()) {
            props.put(e.getKey(), e.getValue());
        }
        OnnxMl.ValueInfoProto input = OnnxModelFile.graphInput(graph, source);
        List<OnnxMl.TensorShapeProto.Dimension> inDims = tensorDims(input, source);
        if (inDims.size() < 2) {
            throw new OnnxFormatException(source + ": input '" + input.getName() + "' has rank " + inDims.size()
                    + "; vgg4j needs a batch dimension followed by the sample's dimensions");
        }
        OnnxMl.TensorShapeProto.Dimension batch = inDims.get(0);
        String batchDim = batch.hasDimParam() ? batch.getDimParam()
                : batch.hasDimValue() ? Long.toString(batch.getDimValue()) : "?";
        int[] sample = new int[inDims.size() - 1];
        for (int i = 1; i < inDims.size(); i++) {
            OnnxMl.TensorShapeProto.Dimension d = inDims.get(i);
            if (!d.hasDimValue() || d.getDimValue() < 1) {
                throw new OnnxFormatException(source + ": input '" + input.getName() + "' dimension " + i
                        + " is not a fixed size (" + d.toString().trim().replace('\n', ' ')
                        + "); vgg4j needs a fixed sample shape");
            }
            if (d.getDimValue() > MAX_SAMPLE_ELEMENTS) {
                throw new OnnxFormatException(source + ": input '" + input.getName() + "' dimension " + i + " is "
                        + d.getDimValue() + ", more than vgg4j supports (" + MAX_SAMPLE_ELEMENTS + ")");
            }
            sample[i - 1] = (int) d.getDimValue();
        }
        long elements = 1;
        for (int d : sample) {
            elements *= d; // elements <= MAX_SAMPLE_ELEMENTS before each product: no overflow
            if (elements > MAX_SAMPLE_ELEMENTS) {
                throw new OnnxFormatException(source + ": input '" + input.getName() + "' has sample shape "
                        + Arrays.toString(sample) + ", more than the " + MAX_SAMPLE_ELEMENTS
                        + " values vgg4j takes per sample");
            }
        }
        if (graph.getOutputCount() != 1) {
            throw new OnnxFormatException(source + ": the graph has " + graph.getOutputCount()
                    + " outputs; vgg4j serves models with exactly one (the logits)");
        }
        OnnxMl.ValueInfoProto output = graph.getOutput(0);
        List<OnnxMl.TensorShapeProto.Dimension> outDims = tensorDims(output, source);
        OnnxMl.TensorShapeProto.Dimension last = outDims.isEmpty() ? null : outDims.get(outDims.size() - 1);
        if (last == null || !last.hasDimValue() || last.getDimValue() < 1 || last.getDimValue() > Integer.MAX_VALUE) {
            throw new OnnxFormatException(source + ": output '" + output.getName()
                    + "' has no fixed class dimension");
        }
        int classes = (int) last.getDimValue();
        List<String> names = OnnxMetadata.classNames(props, source);
        if (names == null) {
            names = ExportMetadata.defaultClassNames(classes);
        } else if (names.size() != classes) {
            throw new OnnxFormatException(source + ": metadata names " + names.size() + " classes but the output has "
                    + classes + " logits");
        }
        String modelName = props.getOrDefault(OnnxMetadata.MODEL, graph.getName());
        ExportMetadata metadata = new ExportMetadata(modelName, props.get(OnnxMetadata.CONFIG), names,
                props.get(OnnxMetadata.TRAINING_BACKEND), props.get(OnnxMetadata.TRAINING_RUN));
        long opset = model.getOpsetImportList().stream()
                .filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
                .mapToLong(OnnxMl.OperatorSetIdProto::getVersion).findFirst().orElse(0);
        String producer = (model.getProducerName() + " " + model.getProducerVersion()).trim();
        return new OnnxModelInfo(source, producer, model.getIrVersion(), opset, input.getName(), batchDim,
                Shape.of(sample), output.getName(), classes, metadata,
                props.getOrDefault(OnnxMetadata.PARAMETERS_SHA256, ""), props);
    }

    private static List<OnnxMl.TensorShapeProto.Dimension> tensorDims(OnnxMl.ValueInfoProto v, String source) {
        if (!v.getType().hasTensorType() || !v.getType().getTensorType().hasShape()) {
            throw new OnnxFormatException(source + ": graph value '" + v.getName() + "' is not a tensor of known rank");
        }
        OnnxMl.TypeProto.Tensor t = v.getType().getTensorType();
        if (t.getElemType() != OnnxMl.TensorProto.DataType.FLOAT.getNumber()) {
            throw new OnnxFormatException(source + ": graph value '" + v.getName() + "' has element type "
                    + OnnxMl.TensorProto.DataType.forNumber(t.getElemType()) + "; vgg4j serves float32 models");
        }
        return t.getShape().getDimList();
    }
}
