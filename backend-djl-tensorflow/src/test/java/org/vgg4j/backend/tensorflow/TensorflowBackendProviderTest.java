package org.vgg4j.backend.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vgg4j.core.Device;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.core.spi.Backends;

/** The provider is found through ServiceLoader, with its priority, capabilities and devices on this CPU machine. */
class TensorflowBackendProviderTest {

    @Test
    void foundThroughServiceLoaderWithItsCapabilities() {
        Backend b = Backends.discover().select("tensorflow");
        assertThat(b.name()).isEqualTo("tensorflow");
        assertThat(b.capabilities().training()).isTrue();
        assertThat(b.capabilities().gpu()).isFalse();
        assertThat(b.capabilities().engine()).contains("TensorFlow 2.16.1");
        assertThat(b.devices()).containsExactly(Device.cpu());
        assertThat(Backends.discover().list()).anySatisfy(s -> {
            assertThat(s.name()).isEqualTo("tensorflow");
            assertThat(s.priority()).isEqualTo(50);
            assertThat(s.availability().available()).isTrue();
        });
    }
}
