package org.vgg4j.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vgg4j.core.config.DataConfig;
import org.vgg4j.core.train.BatchStream;
import org.vgg4j.datasets.image.DecodedImage;
import org.vgg4j.datasets.image.PixelFormat;
import org.vgg4j.datasets.transform.Augmentation;
import org.vgg4j.datasets.transform.Image;
import org.vgg4j.datasets.transform.RandomCrop;

/**
 * {@link FolderLoader} with augmentation: a resized crop sees the decoded file at its own size, the other steps the
 * file resized to the served size; batches depend on (seed, epoch, index) only; a crop that changes nothing gives
 * the plain loader's pixels.
 */
class FolderAugmentationTest {
    @TempDir
    static Path root;
    private static ImageFolder folder;

    @BeforeAll
    static void writeImages() throws Exception {
        SplittableRandom r = new SplittableRandom(3);
        for (String c : List.of("cat", "dog")) {
            Files.createDirectories(root.resolve(c));
            for (int i = 0; i < 6; i++) {
                BufferedImage img = new BufferedImage(30, 20, BufferedImage.TYPE_3BYTE_BGR);
                for (int y = 0; y < 20; y++) {
                    for (int x = 0; x < 30; x++) {
                        img.setRGB(x, y, r.nextInt(1 << 24));
                    }
                }
                ImageIO.write(img, "png", root.resolve(c).resolve(i + ".png").toFile());
            }
        }
        folder = ImageFolder.scan(root, ImageFolder.Options.STRICT);
    }

    private static FolderLoader loader(Augmentation a) {
        return FolderLoader.builder(folder).batchSize(5).imageSize(16).channels(3).seed(4).augmentation(a).build();
    }

    private static Augmentation of(String augment) {
        return Augmentation.of(DataConfig.reference().withAugmentation(augment,
                augment.startsWith(DataConfig.AUGMENT_CROP) ? 3 : null), 16);
    }

    @Test
    void eachImageIsTheAugmentationOfItsFileForItsSeedEpochAndIndex() {
        for (String augment : DataConfig.AUGMENTATIONS) {
            Augmentation a = of(augment);
            FolderLoader l = loader(a);
            int[] order = l.order(1);
            float[] batch = l.batch(1, 1).images().toArray();
            int per = 3 * 16 * 16;
            for (int j = 0; j < 5; j++) {
                int sample = order[5 + j];
                DecodedImage stored = folder.decode(sample, PixelFormat.RGB);
                DecodedImage in = a.cropsStoredImage() ? stored : stored.resized(16, 16);
                Image expected = a.apply(Image.ofInterleaved(3, in.height(), in.width(), in.samples()), 4, 1, sample);
                assertThat(Arrays.copyOfRange(batch, j * per, (j + 1) * per)).as(augment)
                        .containsExactly(expected.values());
            }
            try (BatchStream s = loader(a).epoch(1, 1)) {
                assertThat(s.next().images().toArray()).as(augment).containsExactly(batch);
            }
        }
    }

    @Test
    void aCropThatChangesNothingGivesThePlainPixels() {
        FolderLoader plain = loader(Augmentation.none());
        FolderLoader identity = loader(new Augmentation(List.of(new RandomCrop(16, 0))));
        for (int k = 0; k < plain.batchesPerEpoch(); k++) {
            assertThat(identity.batch(0, k).images().toArray()).containsExactly(plain.batch(0, k).images().toArray());
        }
        assertThat(loader(of("resized-crop")).batch(0, 0).images().toArray())
                .isNotEqualTo(plain.batch(0, 0).images().toArray());
    }
}
