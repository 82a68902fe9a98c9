package org.vgg4j.cli;

import java.util.Arrays;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.train.Batch;
import org.vgg4j.core.train.BatchSource;
import org.vgg4j.core.train.BatchStream;

/**
 * A per-channel input normalisation {@code (x - mean[c]) / std[c]} of pixels already scaled to [0, 1], exactly
 * torchvision's {@code Normalize(mean, std)} after {@code ToTensor()}; {@link #NONE} leaves pixels as they are.
 *
 * @param mean one value per channel
 * @param std  one value per channel, each > 0
 */
record Normalization(float[] mean, float[] std) {

    /** No normalisation: pixels stay in [0, 1]. */
    static final Normalization NONE = new Normalization(new float[0], new float[0]);

    /** ImageNet's per-channel RGB mean, as torchvision's pretrained models expect. */
    static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    /** ImageNet's per-channel RGB standard deviation, as torchvision's pretrained models expect. */
    static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    /** Whether this changes nothing. */
    boolean isNone() {
        return mean.length == 0;
    }

    /** The images {@code [N, C, H, W]} or one image {@code [C, H, W]}, normalised into a new tensor. */
    Tensor apply(Tensor images) {
        if (isNone()) {
            return images;
        }
        Shape shape = images.shape();
        int c = shape.dim(shape.rank() - 3);
        if (c != mean.length) {
            throw new IllegalStateException(mean.length + " normalisation channels for images of shape " + shape);
        }
        int plane = shape.dim(shape.rank() - 2) * shape.dim(shape.rank() - 1);
        float[] out = images.toArray(); // a copy
        for (int i = 0; i < out.length; i++) {
            int ch = (i / plane) % c;
            // torchvision's Normalize: tensor.sub_(mean).div_(std), in float32
            out[i] = (out[i] - mean[ch]) / std[ch];
        }
        return Tensor.wrap(shape, out);
    }

    /** {@code source} with every batch's images normalised. */
    BatchSource wrap(BatchSource source) {
        if (isNone()) {
            return source;
        }
        return new BatchSource() {
            @Override
            public int size() {
                return source.size();
            }

            @Override
            public int batchSize() {
                return source.batchSize();
            }

            @Override
            public BatchStream epoch(int epoch, int firstBatch) {
                BatchStream inner = source.epoch(epoch, firstBatch);
                return new BatchStream() {
                    @Override
                    public boolean hasNext() {
                        return inner.hasNext();
                    }

                    @Override
                    public Batch next() {
                        Batch b = inner.next();
                        return new Batch(apply(b.images()), b.labels());
                    }

                    @Override
                    public void close() {
                        inner.close();
                    }
                };
            }
        };
    }

    @Override
    public String toString() {
        return isNone() ? "none" : "mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std);
    }

    /**
     * The normalisation the options {@code --mean} and {@code --std} give for a model of {@code channels} channels:
     * each null (not given), {@code imagenet} or comma-separated numbers, one per channel. {@code --mean imagenet}
     * alone also means {@code --std imagenet}; otherwise a missing one is the identity (mean 0, std 1).
     *
     * @throws UsageException naming the option for a non-number, a wrong count, a mean outside [0, 1] or a std <= 0
     */
    static Normalization of(String meanOption, String stdOption, int channels) {
        if (meanOption == null && stdOption == null) {
            return NONE;
        }
        String stdText = stdOption == null && meanOption != null
                && meanOption.trim().equalsIgnoreCase("imagenet") ? "imagenet" : stdOption;
        float[] mean = meanOption == null ? filled(channels, 0f) : values("--mean", meanOption, channels);
        float[] std = stdText == null ? filled(channels, 1f) : values("--std", stdText, channels);
        for (int c = 0; c < channels; c++) {
            if (!(mean[c] >= 0f && mean[c] <= 1f)) {
                throw new UsageException("--mean values must be from 0 to 1 (pixels scaled to [0, 1]), got "
                        + mean[c] + " for channel " + c);
            }
            if (!(std[c] > 0f) || Float.isInfinite(std[c])) {
                throw new UsageException("--std values must be > 0 and finite, got " + std[c] + " for channel " + c);
            }
        }
        return new Normalization(mean, std);
    }

    private static float[] values(String option, String text, int channels) {
        String t = text.trim();
        if (t.equalsIgnoreCase("imagenet")) {
            if (channels != 3) {
                throw new UsageException(option + " imagenet has 3 (RGB) values, but the model takes " + channels
                        + (channels == 1 ? " channel" : " channels"));
            }
            return (option.equals("--mean") ? IMAGENET_MEAN : IMAGENET_STD).clone();
        }
        String[] parts = t.split(",", -1);
        if (parts.length != channels) {
            throw new UsageException(option + " needs " + channels + (channels == 1 ? " value" : " values")
                    + " (one per channel of the model), got " + parts.length + ": '" + text + "'");
        }
        float[] v = new float[channels];
        for (int i = 0; i < channels; i++) {
            try {
                v[i] = Float.parseFloat(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new UsageException(option + " takes comma-separated numbers or 'imagenet', got '"
                        + parts[i].trim() + "' in '" + text + "'");
            }
            if (!Float.isFinite(v[i])) {
                throw new UsageException(option + " values must be finite, got '" + parts[i].trim() + "'");
            }
        }
        return v;
    }

    private static float[] filled(int n, float value) {
        float[] v = new float[n];
        Arrays.fill(v, value);
        return v;
    }
}
