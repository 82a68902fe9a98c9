package org.vgg4j.backend.pytorch;

import org.vgg4j.core.spi.Availability;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.core.spi.BackendProvider;
import org.vgg4j.core.spi.BackendUnavailableException;

/**
 * The {@code pytorch} backend's service entry point: cheap to construct; the engine is loaded once per process on the
 * first {@link #availability()} or {@link #create()} and the outcome is cached.
 */
public final class PyTorchBackendProvider implements BackendProvider {
    /** The backend's name. */
    public static final String NAME = "pytorch";
    /** Highest of the built-in backends: it trains and runs on CPU and GPU. */
    public static final int PRIORITY = 100;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    public Availability availability() {
        EngineStatus s = EngineLoader.status();
        return s.available() ? Availability.yes(s.detail()) : Availability.no(s.detail());
    }

    @Override
    public Backend create() {
        EngineStatus s = EngineLoader.status();
        if (!s.available()) {
            throw new BackendUnavailableException("backend '" + NAME + "' cannot run here: " + s.detail());
        }
        return new PyTorchBackend(s);
    }
}
