package org.vgg4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.core.train.EpochMetrics;

/**
 * The plot is written through a uniquely named temporary file: two writers of one {@code training.png} never share
 * a temporary name. Before, both used {@code .training.png.tmp.png}, and one died with a rename error.
 */
class TrainingPlotTest {
    @TempDir
    Path dir;

    @Test
    void concurrentWritersOfOnePlotDoNotCollide() throws Exception {
        Path png = dir.resolve("training.png");
        List<EpochMetrics> history = List.of(new EpochMetrics(1, 0.5, 0.8, 0.4, 0.85, 10, 100));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                done.add(pool.submit(() -> {
                    TrainingPlot plot = new TrainingPlot(png, history);
                    for (int i = 0; i < 15; i++) {
                        plot.draw();
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(javax.imageio.ImageIO.read(png.toFile()).getWidth()).isEqualTo(800);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("training.png");
        }
    }
}
