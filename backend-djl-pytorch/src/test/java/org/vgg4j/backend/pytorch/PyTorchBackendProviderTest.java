package org.vgg4j.backend.pytorch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ServiceLoader;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.vgg4j.core.Device;
import org.vgg4j.core.spi.Availability;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.core.spi.BackendProvider;
import org.vgg4j.core.spi.Backends;
import org.vgg4j.core.spi.Capabilities;

class PyTorchBackendProviderTest {

    @Test
    void isFoundThroughServiceLoaderAndSelectableByName() {
        assertThat(StreamSupport.stream(ServiceLoader.load(BackendProvider.class).spliterator(), false)
                .map(BackendProvider::name)).contains("pytorch");
        Backend b = Backends.discover().select("pytorch");
        assertThat(b.name()).isEqualTo("pytorch");
    }

    @Test
    void isAvailableOfflineWithVersionsInTheDetail() {
        PyTorchBackendProvider provider = new PyTorchBackendProvider();
        assertThat(provider.name()).isEqualTo("pytorch");
        assertThat(provider.priority()).isEqualTo(100);
        Availability a = provider.availability();
        System.out.println("pytorch availability: " + a);
        assertThat(a.available()).as(a.detail()).isTrue();
        assertThat(a.detail()).contains("DJL 0.36.0").contains("libtorch 2.7.1");
        assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
        // cached: the same answer without reloading
        assertThat(provider.availability()).isEqualTo(a);
    }

    /** libc's getenv, to see the native environment libtorch reads. */
    private interface CLibrary extends com.sun.jna.Library {
        String getenv(String name);
    }

    @Test
    void libtorchAllocatesWithTransparentHugePages() {
        assertThat(new PyTorchBackendProvider().availability().available()).isTrue();
        CLibrary c = com.sun.jna.Native.load("c", CLibrary.class);
        assertThat(c.getenv(NativeEnvironment.THP_VARIABLE)).isEqualTo("1");
    }

    @Test
    void capabilitiesAndDevicesOnThisCpuMachine() {
        Backend b = PyTorchTesting.backend();
        Capabilities c = b.capabilities();
        assertThat(c.training()).isTrue();
        assertThat(c.engine()).contains("libtorch 2.7.1");
        assertThat(b.devices()).first().isEqualTo(Device.cpu());
        // The CPU natives are on the class path here, so no GPU may be listed or claimed.
        assertThat(c.gpu()).isFalse();
        assertThat(b.devices()).containsExactly(Device.cpu());
    }
}
