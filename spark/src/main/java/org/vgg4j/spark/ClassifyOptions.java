package org.vgg4j.spark;

import java.io.Serializable;
import org.vgg4j.datasets.image.ImageDecoder;

/**
 * How {@link VggSpark#classify} runs: the backend (by name; {@code onnx} by default), the batch size inside each
 * partition, the input column (image file bytes, as Spark's {@code binaryFile} source gives in {@code content}, or an
 * array of {@code channels x size x size} floats already scaled like the training data), whether image files are
 * inverted (as {@code vgg4j predict --invert}), and the decoder's pixel limit.
 *
 * @param backend     backend name ({@code onnx}, {@code pytorch}, {@code tensorflow}, ...)
 * @param batchSize   images per engine call (>= 1)
 * @param inputColumn the column holding the image bytes or arrays
 * @param invert      invert decoded image files (light-on-dark models, dark-on-light photos)
 * @param maxPixels   refuse image files declaring more pixels than this
 */
public record ClassifyOptions(String backend, int batchSize, String inputColumn, boolean invert, long maxPixels)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public ClassifyOptions {
        if (backend == null || backend.isBlank()) {
            throw new IllegalArgumentException("a backend name is required");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        if (inputColumn == null || inputColumn.isBlank()) {
            throw new IllegalArgumentException("an input column is required");
        }
        if (maxPixels < 1 || maxPixels > ImageDecoder.HIGHEST_MAX_PIXELS) {
            throw new IllegalArgumentException("max pixels must be in [1, " + ImageDecoder.HIGHEST_MAX_PIXELS
                    + "], got " + maxPixels);
        }
    }

    /** ONNX Runtime, batches of 64, column {@code content} (Spark's {@code binaryFile}), no inversion, 64 megapixels. */
    public static ClassifyOptions defaults() {
        return new ClassifyOptions("onnx", 64, "content", false, ImageDecoder.DEFAULT_MAX_PIXELS);
    }

    public ClassifyOptions withBackend(String name) {
        return new ClassifyOptions(name, batchSize, inputColumn, invert, maxPixels);
    }

    public ClassifyOptions withBatchSize(int n) {
        return new ClassifyOptions(backend, n, inputColumn, invert, maxPixels);
    }

    public ClassifyOptions withInputColumn(String column) {
        return new ClassifyOptions(backend, batchSize, column, invert, maxPixels);
    }

    public ClassifyOptions withInvert(boolean on) {
        return new ClassifyOptions(backend, batchSize, inputColumn, on, maxPixels);
    }

    public ClassifyOptions withMaxPixels(long n) {
        return new ClassifyOptions(backend, batchSize, inputColumn, invert, n);
    }
}
