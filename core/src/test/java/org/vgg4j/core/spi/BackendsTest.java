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

    /** A provider whose rank per task and device kind is given: {trainCpu, inferCpu, trainGpu, inferGpu}. */
    private static BackendProvider ranked(String name, int priority, boolean available, int... ranks) {
        BackendProvider base = provider(name, priority, available);
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
            public int rank(Task task, org.vgg4j.core.Device.Kind device) {
                int gpu = device == org.vgg4j.core.Device.Kind.GPU ? 2 : 0;
                return ranks[gpu + (task == Task.TRAINING ? 0 : 1)];
            }

            @Override
            public Availability availability() {
                return base.availability();
            }

            @Override
            public Backend create() {
                return base.create();
            }
        };
    }

    private static Backends ranked(Map<String, String> props, boolean trainerAvailable) {
        return new Backends(List.of(
                ranked("torchy", 100, true, 90, 50, 100, 100),
                ranked("flowy", 50, trainerAvailable, 100, 60, 50, 50),
                ranked("runtime", 10, true, -1, 100, -1, 10)), props::get, Map.<String, String>of()::get);
    }

    @Test
    void autoPicksTheBackendThatRanksFirstForTheTaskAndDeviceKind() {
        Backends b = ranked(Map.of(), true);
        BackendChoice train = b.choose(null, Task.TRAINING, org.vgg4j.core.Device.cpu());
        assertThat(train.backend().name()).isEqualTo("flowy");
        assertThat(train.reason()).isEqualTo("auto: the fastest available for training on cpu (ranking: flowy, "
                + "torchy)");
        assertThat(b.choose("auto", Task.INFERENCE, org.vgg4j.core.Device.cpu()).backend().name())
                .isEqualTo("runtime");
        assertThat(b.choose(" ", Task.INFERENCE, org.vgg4j.core.Device.cpu()).reason())
                .contains("ranking: runtime, flowy, torchy");
        assertThat(b.choose(null, Task.TRAINING, org.vgg4j.core.Device.gpu()).backend().name()).isEqualTo("torchy");
        assertThat(b.choose(null, Task.INFERENCE, org.vgg4j.core.Device.gpu(1)).backend().name()).isEqualTo("torchy");
        // --device auto ranks as a CPU
        assertThat(b.choose(null, Task.TRAINING, org.vgg4j.core.Device.auto()).backend().name()).isEqualTo("flowy");
    }

    @Test
    void anUnavailableBackendIsSkippedAndNamedInTheReason() {
        BackendChoice c = ranked(Map.of(), false).choose(null, Task.TRAINING, org.vgg4j.core.Device.cpu());
        assertThat(c.backend().name()).isEqualTo("torchy");
        assertThat(c.reason()).contains("skipped flowy (unavailable: flowy natives missing)");
    }

    @Test
    void aNamedBackendWinsOverTheRankingEvenIfItRanksLow() {
        BackendChoice c = ranked(Map.of(), true).choose("torchy", Task.TRAINING, org.vgg4j.core.Device.cpu());
        assertThat(c.backend().name()).isEqualTo("torchy");
        assertThat(c.reason()).isEqualTo("named by --backend");
        BackendChoice p = ranked(Map.of(Backends.PROPERTY, "runtime"), true).choose("auto", Task.INFERENCE,
                org.vgg4j.core.Device.cpu());
        assertThat(p.backend().name()).isEqualTo("runtime");
        assertThat(p.reason()).isEqualTo("named by -D" + Backends.PROPERTY);
    }

    @Test
    void noBackendOfferingTheTaskIsAnErrorNamingTheTask() {
        Backends onlyRuntime = new Backends(List.of(ranked("runtime", 10, true, -1, 100, -1, 10)),
                Map.<String, String>of()::get, Map.<String, String>of()::get);
        assertThatThrownBy(() -> onlyRuntime.choose(null, Task.TRAINING, org.vgg4j.core.Device.cpu()))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageStartingWith("no backend can run training on cpu here: none offers it. Backends found: "
                        + "runtime (available)");
    }

    @Test
    void withoutRanksEveryTaskFollowsThePriorities() {
        Backends b = backends(Map.of(), Map.of());
        assertThat(b.choose(null, Task.TRAINING, org.vgg4j.core.Device.cpu()).backend().name()).isEqualTo("good");
        assertThat(b.choose(null, Task.INFERENCE, org.vgg4j.core.Device.cpu()).reason())
                .contains("skipped best (unavailable: best natives missing)");
    }

    @Test
    void aPreferredBackendWinsOverTheRankingWhenNothingNamesOne() {
        Backends b = ranked(Map.of(), true);
        BackendChoice kept = b.choose(null, Task.TRAINING, org.vgg4j.core.Device.cpu(), "torchy");
        assertThat(kept.backend().name()).isEqualTo("torchy");
        assertThat(kept.reason()).startsWith("auto: the backend that trained the checkpoint");
        // a name still wins; a preferred backend that cannot train, is missing or unavailable falls back to the ranking
        assertThat(b.choose("runtime", Task.INFERENCE, org.vgg4j.core.Device.cpu(), "torchy").backend().name())
                .isEqualTo("runtime");
        assertThat(b.choose(null, Task.TRAINING, org.vgg4j.core.Device.cpu(), "runtime").backend().name())
                .isEqualTo("flowy");
        assertThat(b.choose(null, Task.TRAINING, org.vgg4j.core.Device.cpu(), "caffe").backend().name())
                .isEqualTo("flowy");
        assertThat(ranked(Map.of(), false).choose(null, Task.TRAINING, org.vgg4j.core.Device.cpu(), "flowy")
                .backend().name()).isEqualTo("torchy");
    }
}
