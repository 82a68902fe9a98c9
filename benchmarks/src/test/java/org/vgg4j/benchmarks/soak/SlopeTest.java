package org.vgg4j.benchmarks.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The least-squares slope and the soak window, on numbers worked out by hand. */
class SlopeTest {

    @Test
    void slopeOfALineIsItsGradientAndNoiseAveragesOut() {
        assertThat(Slope.leastSquares(new double[] {0, 1, 2, 3}, new double[] {5, 7, 9, 11})).isEqualTo(2.0);
        // y = 1, 3, 2, 4 over x = 0..3: means 1.5 and 2.5, sxy = 2.25 - 0.25 - 0.25 + 2.25 = 4, sxx = 5
        assertThat(Slope.leastSquares(new double[] {0, 1, 2, 3}, new double[] {1, 3, 2, 4})).isCloseTo(0.8,
                within(1e-12));
        assertThatThrownBy(() -> Slope.leastSquares(new double[] {1, 1}, new double[] {1, 2}))
                .hasMessageContaining("two distinct x");
    }

    @Test
    void theSlopeCoversOnlyTheLastWindowOfSteps() {
        List<SoakSample> samples = new ArrayList<>();
        for (int step = 0; step <= 3000; step += 25) {
            // climbs 1 MiB per step for 500 steps, then flat at 800 MiB
            double mib = step < 500 ? 300 + step : 800;
            samples.add(new SoakSample(step, step / 10.0, new ProcessMemory(Math.round(mib * 1024), 0, 0, -1), 0, 0,
                    0, 20));
        }
        SoakResult r = new SoakResult("x", samples, 2000);
        assertThat(r.window()).first().extracting(SoakSample::step).isEqualTo(1000);
        assertThat(r.rssSlopeMibPerStep()).isCloseTo(0.0, within(1e-9));
        assertThat(new SoakResult("x", samples, 3000).rssSlopeMibPerStep()).isPositive();
        assertThat(r.startRssMib()).isEqualTo(300.0);
        assertThat(r.maxRssMib()).isEqualTo(800.0);
    }

    @Test
    void csvRowsRoundTrip() {
        SoakSample s = new SoakSample(250, 12.5, new ProcessMemory(512_000, 400_000, 112_000, -1), 40_960, 65_536,
                2_048, 21.25);
        SoakSample back = SoakSample.parse(s.csv("pytorch"));
        assertThat(back.step()).isEqualTo(250);
        assertThat(back.rssMib()).isCloseTo(500.0, within(0.1));
        assertThat(back.heapCommittedKib()).isEqualTo(65_536);
        assertThat(back.msPerStep()).isEqualTo(21.25);
        assertThat(SoakSample.CSV_HEADER.split(",")).hasSize(s.csv("pytorch").split(",").length);
    }
}
