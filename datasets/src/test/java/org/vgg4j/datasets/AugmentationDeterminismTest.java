package org.vgg4j.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.vgg4j.core.config.DataConfig;
import org.vgg4j.core.train.Batch;
import org.vgg4j.core.train.BatchStream;
import org.vgg4j.datasets.transform.Augmentation;
import org.vgg4j.datasets.transform.Image;
import org.vgg4j.datasets.transform.RandomCrop;
import org.vgg4j.datasets.transform.RandomHorizontalFlip;
import org.vgg4j.datasets.transform.RandomResizedCrop;
import org.vgg4j.datasets.transform.SampleRandom;

/**
 * Augmented batches are a function of (seed, epoch, sample index) alone: the same in another JVM, with any number of
 * threads in any order, when an epoch is started mid-way; different across epochs; and the augmented path with
 * transforms that change nothing gives exactly the plain loader's pixels.
 */
class AugmentationDeterminismTest {
    private final ImageDataset data = SmallData.dataset(50, 28, 28, 3);

    private DataLoader loader(String augment, long seed) {
        DataConfig config = DataConfig.reference().withAugmentation(augment,
                augment.startsWith(DataConfig.AUGMENT_CROP) ? 4 : null);
        return DataLoader.builder(data).batchSize(16).imageSize(32).seed(seed)
                .augmentation(Augmentation.of(config, 32)).build();
    }

    @Test
    void anotherJvmWithOneProcessorGivesTheSamePixels() throws Exception {
        String here = AugmentedPixels.digest(0);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-XX:ActiveProcessorCount=1", "-cp",
                System.getProperty("java.class.path"), AugmentedPixels.class.getName(), "0")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out.lines().reduce((a, b) -> b).orElse("")).isEqualTo(here).matches("[0-9a-f]{64}");
    }

    @Test
    void threadsAndOrderDoNotMatter() throws Exception {
        String stream = AugmentedPixels.digest(0);
        assertThat(AugmentedPixels.digest(1)).isEqualTo(stream);
        assertThat(AugmentedPixels.digest(4)).isEqualTo(stream);
    }

    @Test
    void anEpochStartedMidWaySeesTheSameBatches() {
        for (String augment : DataConfig.AUGMENTATIONS) {
            DataLoader l = loader(augment, 9);
            List<float[]> full = new ArrayList<>();
            try (BatchStream s = l.epoch(2, 0)) {
                s.forEachRemaining(b -> full.add(b.images().toArray()));
            }
            try (BatchStream s = l.epoch(2, 2)) {
                assertThat(s.next().images().toArray()).as(augment).containsExactly(full.get(2));
                assertThat(s.next().images().toArray()).as(augment).containsExactly(full.get(3));
            }
        }
    }

    @Test
    void augmentationChangesImagesAndDiffersAcrossEpochsButNeverTheLabels() {
        DataLoader plain = loader(DataConfig.AUGMENT_NONE, 9);
        float[][] stored = bySample(plain, 0);
        for (String augment : DataConfig.AUGMENTATIONS.subList(1, DataConfig.AUGMENTATIONS.size())) {
            DataLoader l = loader(augment, 9);
            float[][] e0 = bySample(l, 0);
            float[][] e1 = bySample(l, 1);
            int changed = 0;
            int differentAcrossEpochs = 0;
            for (int i = 0; i < e0.length; i++) {
                changed += java.util.Arrays.equals(e0[i], stored[i]) ? 0 : 1;
                differentAcrossEpochs += java.util.Arrays.equals(e0[i], e1[i]) ? 0 : 1;
            }
            // A flip alone leaves about half of the images as they are; the crops change nearly all.
            assertThat(changed).as(augment).isBetween(augment.equals("flip") ? 15 : 45, 50);
            assertThat(differentAcrossEpochs).as(augment).isBetween(augment.equals("flip") ? 15 : 45, 50);
            assertThat(l.batch(0, 1).labels()).isEqualTo(plain.batch(0, 1).labels());
        }
    }

    /** Each sample's served image in epoch {@code epoch}, by sample index. */
    private static float[][] bySample(DataLoader l, int epoch) {
        int[] order = l.order(epoch);
        int per = 32 * 32;
        float[][] out = new float[order.length][];
        for (int k = 0; k < l.batchesPerEpoch(); k++) {
            float[] v = l.batch(epoch, k).images().toArray();
            for (int j = 0; j < v.length / per; j++) {
                out[order[k * 16 + j]] = java.util.Arrays.copyOfRange(v, j * per, (j + 1) * per);
            }
        }
        return out;
    }

    @Test
    void transformsThatChangeNothingGiveThePlainLoadersPixels() {
        DataLoader plain = DataLoader.builder(data).batchSize(16).imageSize(32).seed(3).build();
        for (Augmentation identity : List.of(new Augmentation(List.of(new RandomCrop(32, 0))),
                new Augmentation(List.of(new RandomHorizontalFlip(0.0), new RandomCrop(32, 0))))) {
            DataLoader l = DataLoader.builder(data).batchSize(16).imageSize(32).seed(3).augmentation(identity)
                    .build();
            for (int k = 0; k < l.batchesPerEpoch(); k++) {
                assertThat(l.batch(1, k).images().toArray()).containsExactly(plain.batch(1, k).images().toArray());
            }
        }
    }

    @Test
    void aFlipWithProbabilityOneMirrorsThePlainPixels() {
        DataLoader plain = DataLoader.builder(data).batchSize(50).imageSize(32).seed(3).build();
        DataLoader flipped = DataLoader.builder(data).batchSize(50).imageSize(32).seed(3)
                .augmentation(new Augmentation(List.of(new RandomHorizontalFlip(1.0)))).build();
        float[] p = plain.batch(0, 0).images().toArray();
        float[] f = flipped.batch(0, 0).images().toArray();
        for (int row = 0; row < 50 * 32; row++) {
            for (int x = 0; x < 32; x++) {
                assertThat(f[row * 32 + x]).isEqualTo(p[row * 32 + 31 - x]);
            }
        }
    }

    @Test
    void randomChoicesAreSpreadAsSpecified() {
        float[] v = new float[32 * 32];
        for (int i = 0; i < v.length; i++) {
            v[i] = i + 1; // every pixel tells where it came from
        }
        Image img = new Image(1, 32, 32, v);
        RandomCrop crop = new RandomCrop(32, 4);
        RandomHorizontalFlip flip = RandomHorizontalFlip.half();
        RandomResizedCrop rrc = RandomResizedCrop.of(32);
        int flips = 0;
        Set<Integer> windows = new HashSet<>();
        double minArea = 1;
        double maxArea = 0;
        for (int i = 0; i < 4000; i++) {
            if (flip.apply(img, SampleRandom.of(1, 0, i)).values()[0] != 1) {
                flips++;
            }
            float[] c = crop.apply(img, SampleRandom.of(1, 0, i)).values();
            int first = 0;
            while (c[first] == 0) {
                first++;
            }
            int source = (int) c[first] - 1;
            int top = source / 32 - first / 32 + 4;
            int left = source % 32 - first % 32 + 4;
            assertThat(top).isBetween(0, 8);
            assertThat(left).isBetween(0, 8);
            windows.add(top * 9 + left);
            var box = rrc.box(224, 224, SampleRandom.of(1, 0, i));
            double area = (double) box.height() * box.width() / (224.0 * 224);
            minArea = Math.min(minArea, area);
            maxArea = Math.max(maxArea, area);
            assertThat((double) box.width() / box.height()).isBetween(3.0 / 4 * 0.97, 4.0 / 3 * 1.03);
            assertThat(box.top() + box.height()).isLessThanOrEqualTo(224);
            assertThat(box.left() + box.width()).isLessThanOrEqualTo(224);
        }
        assertThat(flips).isBetween(1850, 2150);
        assertThat(windows).hasSize(81); // every window of the 40x40 padded image
        assertThat(minArea).isBetween(0.075, 0.1);
        assertThat(maxArea).isBetween(0.9, 1.0);
        assertThat(SampleRandom.seedOf(1, 0, 1)).isNotEqualTo(SampleRandom.seedOf(1, 1, 0))
                .isNotEqualTo(SampleRandom.seedOf(0, 1, 1));
    }

    @Test
    void aCropOfAnotherSizeThanServedIsRefusedWhenBuilt() {
        assertThatThrownBy(() -> DataLoader.builder(data).imageSize(32)
                .augmentation(new Augmentation(List.of(new RandomCrop(28, 4)))).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("makes 28x28 images")
                .hasMessageContaining("serves 32x32");
    }
}
