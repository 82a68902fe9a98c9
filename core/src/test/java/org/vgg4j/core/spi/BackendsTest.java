package org.vgg4j.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BackendsTest {

    private static BackendProvider provider(String name, int priority, boolean available) {
        return new BackendProvider() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public int priority() {
                return priority;
            }

            @Override
            public Availability availability() {
                return available ? Availability.yes(name + " engine") : Availability.no(name + " natives missing");
            }

            @Override
            public Backend create() {
                if (!available) {
                    throw new BackendUnavailableException(name + " natives missing");
                }
                return new Backend() {
                    @Override
                    public String name() {
                        return name;
                    }

                    @Override
                    public Capabilities capabilities() {
                        return new Capabilities(true, false, name, "");
                    }

                    @Override
                    public List<org.vgg4j.core.Device> devices() {
                        return List.of(org.vgg4j.core.Device.cpu());
                    }

                    @Override
                    public Session open(org.vgg4j.core.Network network, org.vgg4j.core.param.Parameters parameters,
                            org.vgg4j.core.Device device) {
                        throw new UnsupportedOperationException();
                    }
                };
            }
        };
    }

    private static Backends backends(Map<String, String> props, Map<String, String> env) {
        return new Backends(List.of(provider("slow", 1, true), provider("best", 100, false), provider("good", 50, true)),
                props::get, env::get);
    }

    @Test
    void autoPicksTheHighestPriorityAvailableBackend() {
        assertThat(backends(Map.of(), Map.of()).select().name()).isEqualTo("good");
        assertThat(backends(Map.of(), Map.of()).select("auto").name()).isEqualTo("good");
        assertThat(backends(Map.of(), Map.of()).list()).extracting(BackendStatus::name)
                .containsExactly("best", "good", "slow");
    }

    @Test
    void explicitNameBeatsPropertyWhichBeatsEnvironment() {
        Backends b = backends(Map.of(Backends.PROPERTY, "slow"), Map.of(Backends.ENV, "good"));
        assertThat(b.select("GOOD").name()).isEqualTo("good");
        assertThat(b.select().name()).isEqualTo("slow");
        assertThat(backends(Map.of(), Map.of(Backends.ENV, "slow")).select().name()).isEqualTo("slow");
    }

    @Test
    void unknownNameListsWhatWasFoundAndWhyOthersAreUnavailable() {
        assertThatThrownBy(() -> backends(Map.of(), Map.of(Backends.ENV, "mxnet")).select())
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("unknown backend 'mxnet' (from $VGG4J_BACKEND)")
                .hasMessageContaining("good (available)")
                .hasMessageContaining("best (unavailable: best natives missing)");
        assertThatThrownBy(() -> backends(Map.of(), Map.of()).select("best"))
                .hasMessageStartingWith("backend 'best' cannot run here: best natives missing");
    }

    @Test
    void noBackendAtAllSaysWhichModuleToAdd() {
        assertThatThrownBy(() -> new Backends(List.of(), k -> null, k -> null).select())
                .hasMessageContaining("add a backend module");
    }
}
