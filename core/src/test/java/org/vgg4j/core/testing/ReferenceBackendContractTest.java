package org.vgg4j.core.testing;

import org.vgg4j.core.spi.Backend;

/** The backend contract, kept by the plain-Java float64 reference backend. */
class ReferenceBackendContractTest extends BackendContract {
    private static final Backend BACKEND = new ReferenceBackend();

    @Override
    protected Backend backend() {
        return BACKEND;
    }

    /** Plain Java: nothing native to measure. */
    @Override
    protected boolean holdsNativeMemory() {
        return false;
    }
}
