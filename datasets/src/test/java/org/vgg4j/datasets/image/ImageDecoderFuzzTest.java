package org.vgg4j.datasets.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of {@link ImageDecoder} with Jazzer: any input must decode to a consistent image or end in
 * {@link ImageDecodeException} with a one-line message naming the input; any other exception (or error, hang, out of
 * memory) is a finding.
 *
 * <p>In every build ({@code mvn verify}) this replays its regression corpus,
 * {@code src/test/resources/org/vgg4j/datasets/image/ImageDecoderFuzzTestInputs/decodeOrDocumentedError/}: tiny valid
 * files of every kind, the crafted bad files, and every input a fuzzing run found. To fuzz (about 30 s by default):
 * {@code mvn -pl datasets -am verify -Pfuzz} (another duration: {@code -Dfuzz.duration=5m}); new findings land in the
 * corpus folder, new coverage in {@code datasets/.cifuzz-corpus/} (not committed).
 */
class ImageDecoderFuzzTest {
    /** A low limit keeps each run fast; the limit's own path is what matters here, not big allocations. */
    private static final ImageDecoder DECODER = ImageDecoder.create().withMaxPixels(1 << 20);
    private static final String NAME = "fuzz-input";

    @FuzzTest(maxDuration = "30s")
    void decodeOrDocumentedError(byte[] data) {
        PixelFormat pixels = data.length % 2 == 0 ? PixelFormat.GREY : PixelFormat.RGB;
        try {
            ImageHeader header = DECODER.readHeader(data, NAME);
            assertThat(header.pixels()).isBetween(1L, DECODER.maxPixels());
            DecodedImage image = DECODER.decode(data, NAME, pixels);
            assertThat(image.width()).isEqualTo(header.width());
            assertThat(image.height()).isEqualTo(header.height());
            assertThat(image.format()).isEqualTo(header.format());
            assertThat((long) image.samples().length).isEqualTo(header.pixels() * pixels.channels());
        } catch (ImageDecodeException e) {
            assertThat(e.getMessage()).contains(NAME).doesNotContain("\n").doesNotContain("Exception");
            assertThat(e.reason()).isNotNull();
        }
    }
}
