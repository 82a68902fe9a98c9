package org.vgg4j.backend.pytorch;

import java.util.List;
import java.util.Optional;
import org.vgg4j.core.Network;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.testing.BackendContract;

/** The backend contract, kept by the pytorch backend; engine objects are the arrays on the session's manager. */
class PyTorchContractTest extends BackendContract {

    @Override
    protected Backend backend() {
        return PyTorchTesting.backend();
    }

    /** Weights, buffers and every trainer's optimizer state (sub-managers included). */
    @Override
    protected long nativeObjects(Session session) {
        return ((PyTorchSession) session).manager().getManagedArrays().size();
    }

    @Override
    protected Optional<Network> narrowVgg11At32() {
        return Optional.of(PyTorchTesting.narrowVgg11(32, 0));
    }

    @Override
    protected List<String> noGpuHints() {
        return List.of("CPU build", "PYTORCH_LIBRARY_PATH");
    }
}
