package org.vgg4j.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.core.spi.BackendStatus;
import org.vgg4j.core.spi.Backends;
import org.vgg4j.core.spi.Capabilities;

/**
 * The {@code onnx} backend is found through {@link java.util.ServiceLoader}, is available here, and says it cannot
 * train and why.
 */
class OnnxBackendProviderTest {

    @Test
    void discoveredByNameWithItsPriority() {
        Backends backends = Backends.discover();
        assertThat(backends.list()).extracting(BackendStatus::name).contains("onnx");
        BackendStatus status = backends.list().stream().filter(s -> s.name().equals("onnx")).findFirst().orElseThrow();
        assertThat(status.priority()).isEqualTo(10);
        assertThat(status.availability().available()).as(status.availability().detail()).isTrue();
        assertThat(status.availability().detail()).contains("ONNX Runtime 1.");

        Backend backend = backends.select("onnx");
        assertThat(backend).isInstanceOf(OnnxBackend.class);
        assertThat(backend.name()).isEqualTo("onnx");
    }

    @Test
    void capabilitiesSayInferenceOnlyWithTheReason() {
        Capabilities caps = new OnnxBackend().capabilities();
        assertThat(caps.training()).isFalse();
        assertThat(caps.limitations()).contains("inference-only").contains("training");
        assertThat(caps.engine()).startsWith("ONNX Runtime ");
        System.out.println("onnx backend: " + caps);
    }
}
