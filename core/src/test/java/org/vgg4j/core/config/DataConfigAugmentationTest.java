package org.vgg4j.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The augmentation fields of {@link DataConfig}: only canonical values are stored, the padding exactly when there is
 * a crop, and a resume sees a different augmentation as a configuration difference.
 */
class DataConfigAugmentationTest {
    private final DataConfig ref = DataConfig.reference();

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {"none|none", "crop|crop", "FLIP|flip", "flip,crop|crop,flip",
        " crop , flip |crop,flip", "resized-crop|resized-crop", "flip,resized-crop|resized-crop,flip"})
    void anySpellingHasOneCanonicalForm(String given, String canonical) {
        assertThat(DataConfig.canonicalAugment(given)).isEqualTo(canonical);
        assertThat(DataConfig.AUGMENTATIONS).contains(canonical);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"rotate|unknown augmentation step 'rotate'",
        "crop,crop|augmentation step 'crop' is given twice", "none,flip|'none' cannot be combined",
        "crop,resized-crop|'crop' and 'resized-crop' cannot be combined", "crop,|unknown augmentation step ''"})
    void badSpellingsAreRefusedWithAReason(String given, String message) {
        assertThatThrownBy(() -> DataConfig.canonicalAugment(given)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void thePaddingGoesWithACropOnly() {
        assertThat(ref.augment()).isEqualTo("none");
        assertThat(ref.augmentSteps()).isEmpty();
        assertThat(ref.withAugmentation("crop,flip", 4).augmentSteps()).containsExactly("crop", "flip");
        assertThat(ref.withAugmentation("flip", null).cropPadding()).isNull();
        assertThatThrownBy(() -> ref.withAugmentation("crop", null)).hasMessageContaining("data.cropPadding is required");
        assertThatThrownBy(() -> ref.withAugmentation("flip", 4)).hasMessageContaining("'crop' only");
        assertThatThrownBy(() -> ref.withAugmentation("resized-crop", 4)).hasMessageContaining("'crop' only");
        assertThatThrownBy(() -> ref.withAugmentation("crop", -1)).hasMessage("data.cropPadding must be >= 0, got -1");
        assertThatThrownBy(() -> ref.withAugmentation("flip,crop", 4)).hasMessageContaining("data.augment must be one of");
        assertThatThrownBy(() -> ref.withAugmentation(null, null)).hasMessageContaining("data.augment");
    }

    @Test
    void aDifferentAugmentationIsAConfigurationDifference() {
        RunConfig plain = RunConfig.reference();
        RunConfig augmented = new RunConfig(plain.model(), ref.withAugmentation("crop", 4), plain.optimizer(),
                plain.training());
        assertThat(plain.differences(augmented)).containsExactly(new ConfigDifference("data.augment", "none", "crop"),
                new ConfigDifference("data.cropPadding", null, "4"));
        assertThat(RunConfigJson.parse(RunConfigJson.write(augmented))).isEqualTo(augmented);
    }
}
