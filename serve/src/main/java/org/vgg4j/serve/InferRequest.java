package org.vgg4j.serve;

import java.util.List;
import java.util.Objects;
import org.vgg4j.core.Tensor;

/**
 * An Open Inference Protocol inference request, read and checked against its model: the images, the request id to
 * echo, the outputs asked for, and which of them go back as binary data (the protocol's binary tensor data extension).
 *
 * @param id            the request's {@code id}, echoed in the response; {@code null} when absent
 * @param input         the images {@code [N, C, H, W]}, already checked against the model's sample shape
 * @param outputs       the output names asked for ({@value #LOGITS}, {@value #PROBABILITIES}); empty means both
 * @param binaryOutputs the outputs to write as raw little-endian FP32 after the JSON header instead of as JSON numbers
 */
record InferRequest(String id, Tensor input, List<String> outputs, List<String> binaryOutputs) {
    /** The name of every served model's one input. */
    static final String INPUT = "input";
    /** The output holding the raw scores. */
    static final String LOGITS = "logits";
    /** The output holding the softmax of the logits. */
    static final String PROBABILITIES = "probabilities";
    /** Every output, in the order they are written. */
    static final List<String> ALL_OUTPUTS = List.of(LOGITS, PROBABILITIES);

    InferRequest {
        Objects.requireNonNull(input, "input");
        outputs = List.copyOf(outputs);
        binaryOutputs = List.copyOf(binaryOutputs);
    }

    /** A request with every output as JSON numbers. */
    InferRequest(String id, Tensor input, List<String> outputs) {
        this(id, input, outputs, List.of());
    }

    /** The outputs to write: those asked for, or all. */
    List<String> outputsToWrite() {
        return outputs.isEmpty() ? ALL_OUTPUTS : outputs;
    }
}
