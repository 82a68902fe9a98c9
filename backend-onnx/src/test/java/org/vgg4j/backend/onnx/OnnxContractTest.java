package org.vgg4j.backend.onnx;

import java.util.List;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.core.testing.BackendContract;

/** The backend contract, kept by the onnx backend (inference only: the training cases skip with its reason). */
class OnnxContractTest extends BackendContract {
    private static final Backend BACKEND = new OnnxBackend();

    @Override
    protected Backend backend() {
        return BACKEND;
    }

    @Override
    protected List<String> noGpuHints() {
        return List.of("no CUDA execution provider", "-Pcuda");
    }
}
