package org.vgg4j.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.core.spi.BackendStatus;
import org.vgg4j.core.Device;
import org.vgg4j.core.spi.BackendChoice;
import org.vgg4j.core.spi.BackendUnavailableException;
import org.vgg4j.core.spi.Backends;
import org.vgg4j.core.spi.Task;
import org.vgg4j.core.spi.UnknownBackendException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code vgg4j backends}: lists every backend found on the class path, whether it can run here and why not, its
 * capabilities and devices, and which one {@code --backend auto} picks.
 */
@Command(name = "backends", mixinStandardHelpOptions = true,
        description = "List the backends found, their availability, capabilities and devices.")
public final class BackendsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Backends backends = Backends.discover();
        for (BackendStatus s : backends.list()) {
            out.printf(Locale.ROOT, "%-11s priority %3d  %s%n", s.name(), s.priority(),
                    s.availability().available() ? "available" : "UNAVAILABLE");
            out.printf(Locale.ROOT, "            %s%n", s.availability().detail());
            if (s.availability().available()) {
                Backend b = backends.provider(s.name()).orElseThrow().create();
                out.printf(Locale.ROOT, "            engine: %s%n", b.capabilities().engine());
                out.printf(Locale.ROOT, "            training: %s, gpu support: %s%n",
                        b.capabilities().training() ? "yes" : "no", b.capabilities().gpu() ? "yes" : "no");
                if (!b.capabilities().limitations().isBlank()) {
                    out.printf(Locale.ROOT, "            limitations: %s%n", b.capabilities().limitations());
                }
                out.printf(Locale.ROOT, "            devices: %s%n",
                        b.devices().stream().map(Object::toString).collect(Collectors.joining(", ")));
            }
        }
        if (backends.list().isEmpty()) {
            out.println("no backend found on the class path");
            return 1;
        }
        out.println();
        for (Task task : Task.values()) {
            try {
                BackendChoice choice = backends.choose(null, task, Device.cpu());
                out.printf(Locale.ROOT, "--backend auto for %s on cpu picks: %s (%s)%n", task.word(),
                        choice.backend().name(), choice.reason());
            } catch (UnknownBackendException e) {
                throw e; // a misspelt -Dvgg4j.backend or $VGG4J_BACKEND is the user's error: exit non-zero
            } catch (BackendUnavailableException e) {
                out.printf(Locale.ROOT, "--backend auto for %s on cpu: none (%s)%n", task.word(), e.getMessage());
            }
        }
        out.println("override with --backend, -D" + Backends.PROPERTY + " or $" + Backends.ENV);
        return 0;
    }
}
