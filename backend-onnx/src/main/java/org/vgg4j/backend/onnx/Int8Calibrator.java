package org.vgg4j.backend.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vgg4j.core.Device;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.Vgg4jException;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.InputChecks;
import org.vgg4j.onnx.ActivationRange;
import org.vgg4j.onnx.ExportMetadata;
import org.vgg4j.onnx.Int8Calibration;
import org.vgg4j.onnx.Int8Export;
import org.vgg4j.onnx.OnnxExporter;

/**
 * Min/max calibration for {@link Int8Export}: runs the float network on ONNX Runtime (CPU) over calibration images
 * and records the smallest and largest value of every activation {@link Int8Export#calibrationPoints} names (the
 * graph input itself is measured in Java).
 */
public final class Int8Calibrator {
    private Int8Calibrator() {
    }

    /**
     * The activation ranges of {@code network} over the first {@code images} images of {@code batches}.
     *
     * @param network    the float network to quantize
     * @param parameters its trained tensors
     * @param batches    image batches {@code [n, C, H, W]} preprocessed as at inference; read until {@code images}
     *                   images were seen or it ends
     * @param images     how many images to calibrate on, at least 1
     * @param options    ONNX Runtime's threads (no NCHWc padding is applied)
     * @return the ranges and the number of images actually seen
     * @throws IllegalArgumentException if {@code images < 1} or {@code batches} holds no image
     * @throws Vgg4jException           if ONNX Runtime fails
     */
    public static Int8Calibration calibrate(Network network, Parameters parameters, Iterator<Tensor> batches,
            int images, OnnxRuntimeOptions options) {
        if (images < 1) {
            throw new IllegalArgumentException("calibration needs at least 1 image, got " + images);
        }
        OnnxMl.ModelProto fp32 = OnnxExporter.toModel(network, parameters.conformTo(network),
                ExportMetadata.forNetwork(network));
        List<String> points = Int8Export.calibrationPoints(fp32);
        OnnxMl.GraphProto.Builder g = fp32.getGraph().toBuilder().clearOutput();
        // the graph input is measured here: ONNX Runtime does not return a graph input as an output
        boolean measureInput = points.contains(OnnxExporter.INPUT);
        List<String> outputs = points.stream().filter(p -> !p.equals(OnnxExporter.INPUT)).toList();
        for (String name : outputs) {
            g.addOutput(OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                    .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                            .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()))));
        }
        byte[] model = fp32.toBuilder().setGraph(g).build().toByteArray();
        Map<String, ActivationRange> ranges = new LinkedHashMap<>();
        int seen = 0;
        OrtSession session = OrtRuntime.create(model, Device.cpu(), options, "calibration model of "
                + network.name()).session();
        try {
            while (seen < images && batches.hasNext()) {
                Tensor batch = batches.next();
                InputChecks.checkImages(network, batch);
                int n = Math.min(batch.shape().dim(0), images - seen);
                if (n == 0) {
                    continue;
                }
                Shape shape = batch.shape().dropFirst().prepend(n);
                float[] data = new float[Math.toIntExact(shape.elementCount())];
                batch.buffer().get(data);
                if (measureInput) {
                    merge(ranges, OnnxExporter.INPUT, ActivationRange.of(data));
                }
                try (OnnxTensor input = OnnxTensor.createTensor(OrtRuntime.environment(), FloatBuffer.wrap(data),
                        shape.toLongArray());
                        OrtSession.Result result = session.run(Map.of(OnnxExporter.INPUT, input))) {
                    for (int i = 0; i < outputs.size(); i++) {
                        OnnxValue v = result.get(i);
                        FloatBuffer buffer = ((OnnxTensor) v).getFloatBuffer();
                        float[] values = new float[buffer.remaining()];
                        buffer.get(values);
                        merge(ranges, outputs.get(i), ActivationRange.of(values));
                    }
                } catch (OrtException e) {
                    throw new Vgg4jException("ONNX Runtime failed while calibrating " + network.name() + ": "
                            + e.getMessage(), e);
                }
                seen += n;
            }
        } finally {
            OrtRuntime.close(session);
        }
        if (seen == 0) {
            throw new IllegalArgumentException("calibration of " + network.name() + " got no image");
        }
        return new Int8Calibration(ranges, seen);
    }

    private static void merge(Map<String, ActivationRange> ranges, String name, ActivationRange r) {
        ranges.merge(name, r, ActivationRange::union);
    }
}
