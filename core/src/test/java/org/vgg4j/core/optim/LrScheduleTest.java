package org.vgg4j.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.vgg4j.core.testing.Python;

/**
 * The schedules against PyTorch's own schedulers (Debian's python3-torch): {@code OneCycleLR(cycle_momentum=False)}
 * and {@code StepLR} stepped once per update, and the cosine with warm-up against {@code LinearLR}'s and
 * {@code CosineAnnealingLR}'s closed forms; plus the edges PyTorch does not reach.
 */
class LrScheduleTest {
    private static final double BASE = 0.1;

    /** Prints one line per schedule: its key, then the learning rate of steps 1..n as PyTorch gives them. */
    private static final String SCRIPT = """
            import torch
            from torch.optim import lr_scheduler as L
            def opt():
                return torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
            def run(o, s, n):
                lrs = []
                for _ in range(n):
                    lrs.append(o.param_groups[0]['lr'])
                    o.step()
                    s.step()
                return lrs
            for T in (1, 2, 3, 5, 10, 37, 100):
                o = opt()
                print('onecycle', T, *map(repr, run(o, L.OneCycleLR(o, max_lr=0.1, total_steps=T,
                                                                       cycle_momentum=False), T)))
            for size, gamma in ((1, 0.5), (3, 0.5), (4, 0.9)):
                o = opt()
                print('step', size, gamma, *map(repr, run(o, L.StepLR(o, step_size=size, gamma=gamma), 12)))
            for W, T, r in ((1, 4, 0.1), (3, 10, 0.0), (0, 7, 0.25), (5, 5, 0.0)):
                lrs = []
                for t in range(1, T + 3):
                    if t <= W:
                        o = opt()
                        lin = L.LinearLR(o, start_factor=1.0 / W, end_factor=1.0, total_iters=max(1, W - 1))
                        lin.last_epoch = t - 1
                        lrs.append(lin._get_closed_form_lr()[0] if W > 1 else 0.1)
                    else:
                        o = opt()
                        cos = L.CosineAnnealingLR(o, T_max=max(1, T - W), eta_min=0.1 * r)
                        cos.last_epoch = min(t, T) - W
                        lrs.append(cos._get_closed_form_lr()[0])
                print('cosine', W, T, r, *map(repr, lrs))
            """;

    @Test
    void schedulesMatchPytorchsSchedulers() throws Exception {
        Optional<Python> python = Python.withModules("torch");
        assumeThat(python).as("python3 with torch is not installed (apt-get install python3-torch)").isPresent();
        Python.Run run = python.get().code(SCRIPT);
        assertThat(run.exitCode()).as(run.output()).isZero();
        Map<String, LrSchedule> schedules = new LinkedHashMap<>();
        double worst = 0;
        int compared = 0;
        for (String line : run.output().lines().filter(l -> !l.isBlank()).toList()) {
            String[] f = line.trim().split(" ");
            LrSchedule schedule;
            int first;
            switch (f[0]) {
                case "onecycle" -> {
                    schedule = LrSchedule.OneCycle.withTotalSteps(Long.parseLong(f[1]));
                    first = 2;
                }
                case "step" -> {
                    schedule = new LrSchedule.StepDecay(Long.parseLong(f[1]), Double.parseDouble(f[2]));
                    first = 3;
                }
                case "cosine" -> {
                    schedule = new LrSchedule.CosineWarmup(Long.parseLong(f[1]), Long.parseLong(f[2]),
                            Double.parseDouble(f[3]));
                    first = 4;
                }
                default -> throw new AssertionError("unexpected output line " + line);
            }
            schedules.put(String.join(" ", java.util.Arrays.copyOf(f, first)), schedule);
            for (int i = first; i < f.length; i++) {
                long step = i - first + 1;
                double want = Double.parseDouble(f[i]);
                double got = schedule.learningRate(BASE, step);
                assertThat(got).as("%s at step %d", schedule, step).isCloseTo(want, Offset.offset(1e-12 * BASE));
                worst = Math.max(worst, Math.abs(got - want));
                compared++;
            }
        }
        System.out.printf("learning-rate schedules vs PyTorch: %d rates of %d schedules, max abs diff %.3g (base "
                + "%.1f)%n", compared, schedules.size(), worst, BASE);
        assertThat(schedules).hasSize(14);
    }

    @Test
    void edgesAndChecks() {
        LrSchedule.CosineWarmup cosine = new LrSchedule.CosineWarmup(2, 6, 0.1);
        assertThat(cosine.learningRate(1, 1)).isEqualTo(0.5);
        assertThat(cosine.learningRate(1, 2)).isEqualTo(1);
        assertThat(cosine.learningRate(1, 6)).isCloseTo(0.1, Offset.offset(1e-15));
        assertThat(cosine.learningRate(1, 600)).isCloseTo(0.1, Offset.offset(1e-15));
        LrSchedule.OneCycle cycle = LrSchedule.OneCycle.withTotalSteps(10);
        assertThat(cycle.learningRate(1, 11)).isEqualTo(cycle.learningRate(1, 10));
        assertThat(cycle.learningRate(1, 1)).isCloseTo(1 / 25.0, Offset.offset(1e-15));
        assertThat(LrSchedule.constant().learningRate(0.001, 123456789)).isEqualTo(0.001);
        for (LrSchedule s : List.of(LrSchedule.constant(), cosine, cycle, new LrSchedule.StepDecay(2, 0.5))) {
            assertThatThrownBy(() -> s.learningRate(1, 0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("count from 1");
        }
        assertThatThrownBy(() -> new LrSchedule.CosineWarmup(7, 6, 0)).hasMessageContaining("warmupSteps=7");
        assertThatThrownBy(() -> new LrSchedule.StepDecay(0, 0.5)).hasMessageContaining("stepSize=0");
        assertThatThrownBy(() -> new LrSchedule.OneCycle(10, 1, 25, 1e4)).hasMessageContaining("pctStart=1");
    }

    @Test
    void clippingAndSmoothingFollowPytorchsFormulas() {
        TrainingSpec spec = new TrainingSpec(AdamW.withLearningRate(1e-3), new SoftmaxCrossEntropy(0.1), 0,
                LrSchedule.constant(), 2);
        assertThat(spec.clipCoefficient(1)).isEqualTo(1);
        assertThat(spec.clipCoefficient(4)).isEqualTo(2 / (4 + 1e-6));
        assertThat(TrainingSpec.adam(1e-3, 0).clipCoefficient(1e9)).isEqualTo(1);
        assertThat(new SoftmaxCrossEntropy(0.1).target(3, 3, 10)).isCloseTo(0.91, Offset.offset(1e-15));
        assertThat(new SoftmaxCrossEntropy(0.1).target(2, 3, 10)).isCloseTo(0.01, Offset.offset(1e-15));
        assertThat(new SoftmaxCrossEntropy().target(3, 3, 10)).isEqualTo(1);
        assertThatThrownBy(() -> new SoftmaxCrossEntropy(1)).hasMessageContaining("label smoothing");
        assertThatThrownBy(() -> new TrainingSpec(AdamW.withLearningRate(1e-3), new SoftmaxCrossEntropy(), 0,
                LrSchedule.constant(), -1)).hasMessageContaining("clipNorm");
        assertThatThrownBy(() -> new Sgd(0.1, 0, 0, true)).hasMessageContaining("Nesterov momentum needs momentum");
    }
}
