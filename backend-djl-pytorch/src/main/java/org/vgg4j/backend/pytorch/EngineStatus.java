package org.vgg4j.backend.pytorch;

import ai.djl.engine.Engine;

/**
 * The outcome of loading DJL's PyTorch engine once per process: the engine when it loaded, otherwise why not.
 *
 * @param engine      the loaded engine, null when unavailable
 * @param detail      engine and versions when available; the reason and the fix when not
 * @param cudaNatives true if the libtorch build on the class path (or at {@code PYTORCH_LIBRARY_PATH}) supports CUDA
 * @param gpuCount    CUDA devices libtorch can use (0 without CUDA natives)
 */
record EngineStatus(Engine engine, String detail, boolean cudaNatives, int gpuCount) {

    boolean available() {
        return engine != null;
    }

    static EngineStatus unavailable(String reason) {
        return new EngineStatus(null, reason, false, 0);
    }
}
