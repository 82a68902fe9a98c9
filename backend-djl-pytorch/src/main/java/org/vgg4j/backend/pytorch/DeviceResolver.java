package org.vgg4j.backend.pytorch;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vgg4j.core.Device;
import org.vgg4j.core.DeviceUnavailableException;

/**
 * Maps a core {@link Device} to a DJL device the loaded libtorch can use: {@code auto} becomes the first GPU or the
 * CPU (logged at INFO), and a GPU that does not exist here is a {@link DeviceUnavailableException} saying why and what
 * to do.
 */
final class DeviceResolver {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceResolver.class);
    static final String GPU_HINT = "To use a GPU, run on a machine with an NVIDIA GPU and set PYTORCH_LIBRARY_PATH to "
            + "the lib directory of a CUDA 12.8 build of libtorch 2.7.1 (e.g. pip's torch==2.7.1+cu128) with "
            + "PYTORCH_FLAVOR=cu128 and PYTORCH_VERSION=2.7.1 (no CUDA libtorch 2.7.1 is on Maven Central; build with "
            + "-Pcuda for the other engines' GPU natives; see backend-djl-pytorch/README.md). Otherwise use --device "
            + "cpu or auto.";

    private final EngineStatus status;

    DeviceResolver(EngineStatus status) {
        this.status = status;
    }

    /** cpu, then gpu:0 .. gpu:N-1 for every CUDA device libtorch can use. */
    List<Device> devices() {
        List<Device> out = new ArrayList<>();
        out.add(Device.cpu());
        for (int i = 0; i < status.gpuCount(); i++) {
            out.add(Device.gpu(i));
        }
        return out;
    }

    /** The concrete core device {@code requested} resolves to here. */
    Device resolve(Device requested) {
        if (requested.kind() == Device.Kind.CPU) {
            return requested;
        }
        if (requested.kind() == Device.Kind.AUTO) {
            if (status.gpuCount() > 0) {
                LOG.info("device auto: using gpu:0 (CUDA, {} GPU(s) found)", status.gpuCount());
                return Device.gpu(0);
            }
            LOG.info("device auto: no CUDA GPU usable by the pytorch backend ({}), using the CPU",
                    status.cudaNatives() ? "no CUDA device visible" : "libtorch natives are the CPU build");
            return Device.cpu();
        }
        if (!status.cudaNatives()) {
            throw new DeviceUnavailableException("device " + requested + " requested, but the libtorch natives of "
                    + "the pytorch backend are the CPU build (" + status.detail() + "), so no GPU can be used. "
                    + GPU_HINT);
        }
        if (requested.index() >= status.gpuCount()) {
            throw new DeviceUnavailableException("device " + requested + " requested, but libtorch found "
                    + (status.gpuCount() == 0 ? "no CUDA GPU" : "only " + status.gpuCount() + " CUDA GPU(s): "
                    + devices()) + " (check the NVIDIA driver and CUDA_VISIBLE_DEVICES). " + GPU_HINT);
        }
        return requested;
    }

    /** The DJL device for a resolved core device. */
    static ai.djl.Device toDjl(Device resolved) {
        return resolved.isGpu() ? ai.djl.Device.gpu(resolved.index()) : ai.djl.Device.cpu();
    }
}
