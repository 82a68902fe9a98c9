package org.vgg4j.backend.tensorflow;

import java.util.List;
import java.util.Optional;
import org.vgg4j.core.Network;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.testing.BackendContract;

/** The backend contract, kept by the tensorflow backend; engine objects are the tensors the session and its trainers hold. */
class TensorflowContractTest extends BackendContract {

    @Override
    protected Backend backend() {
        return TfTesting.backend();
    }

    /** Weights and every trainer's optimizer state. */
    @Override
    protected long nativeObjects(Session session) {
        return ((TfSession) session).heldTensors();
    }

    @Override
    protected Optional<Network> narrowVgg11At32() {
        return Optional.of(TfTesting.narrowVgg11(32, 0));
    }

    @Override
    protected List<String> noGpuHints() {
        return List.of("CPU natives", "-Pcuda");
    }
}
