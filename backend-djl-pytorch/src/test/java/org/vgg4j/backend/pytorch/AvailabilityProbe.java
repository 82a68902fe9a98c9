package org.vgg4j.backend.pytorch;

import org.vgg4j.core.spi.Availability;
import org.vgg4j.core.spi.BackendUnavailableException;

/** Prints the provider's availability (and what create() says) in a fresh JVM, for {@link MissingNativesTest}. */
public final class AvailabilityProbe {
    private AvailabilityProbe() {
    }

    public static void main(String[] args) {
        PyTorchBackendProvider provider = new PyTorchBackendProvider();
        Availability a = provider.availability();
        System.out.println("available=" + a.available());
        System.out.println("detail=" + a.detail());
        System.out.println("offline=" + System.getProperty("ai.djl.offline"));
        try {
            provider.create();
            System.out.println("create=ok");
        } catch (BackendUnavailableException e) {
            System.out.println("create=" + e.getMessage());
        }
    }
}
